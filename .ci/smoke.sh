# .ci/smoke.sh — sourced by .ci/cross.sh and .ci/deb.sh: drives one running
# ftpgate through login, list, upload (3 MiB, multipart), download, compare
# and logout against the vsftpd of $FTPGATE_TEST_SERVERS.
#
#   smoke_init             parse vsftpd's URL, write the test files to $work
#   smoke NAME CMD...      CMD (an emulator and the binary, say) is one
#                          ftpgate; smoke gives it FTPGATE_LISTEN (a free
#                          loopback port) and FTPGATE_LOG=info in its
#                          environment, and fails through die on any mismatch
#   smoke_stop STATUS      for the caller's EXIT trap: stops an ftpgate still
#                          running; when STATUS is not 0, prints its log's tail
#
# The caller defines say and die and sets work to a temp dir of its own.

UPLOAD_BYTES=$((3 << 20))
gate_pid=

smoke_init() {
	local e vs_cred
	local -a entries
	vs_url=
	IFS=';' read -ra entries <<<"${FTPGATE_TEST_SERVERS:?FTPGATE_TEST_SERVERS is not set}"
	for e in "${entries[@]}"; do
		[[ $e == vsftpd=* ]] && vs_url=${e#vsftpd=}
	done
	[[ -n $vs_url ]] || die "no vsftpd entry in FTPGATE_TEST_SERVERS"
	vs_cred=${vs_url#ftp://}
	vs_cred=${vs_cred%@*}
	vs_user=${vs_cred%%:*}
	vs_pass=${vs_cred#*:}
	vs_hostport=${vs_url##*@}
	head -c "$UPLOAD_BYTES" /dev/urandom >"$work/up.bin"
	printf 'hello from the smoke test\n' >"$work/hello.txt"
	hello_bytes=$(stat -c %s "$work/hello.txt")
}

smoke_stop() {
	if [[ -n $gate_pid ]]; then
		kill "$gate_pid" 2>/dev/null || true
		wait "$gate_pid" 2>/dev/null || true
		gate_pid=
	fi
	if (($1 != 0)) && [[ -s $work/gate.log ]]; then
		say "last lines of ftpgate's log:"
		tail -n 30 "$work/gate.log" >&2 || true
	fi
}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# http WANT OUT CURLARGS...: one request; dies unless the status is WANT.
http() {
	local want=$1 out=$2 code
	shift 2
	code=$(curl -sS --max-time 120 -o "$out" -w '%{http_code}' "$@") || die "curl $* failed"
	[[ $code == "$want" ]] || {
		say "response body:"
		head -c 2000 "$out" >&2 || true
		echo >&2
		die "expected HTTP $want, got $code: curl $*"
	}
}

smoke() {
	local name=$1 started=$SECONDS port base jar out dir csrf token ver i
	shift
	out=$work/out
	jar=$work/jar-$name
	dir=ftpgate-smoke-$name-$$
	ver=$("$@" --version) || die "$name: --version failed"
	[[ $ver == "ftpgate "* ]] || die "$name: --version printed: $ver"
	say "$name: $ver"

	# A folder with a known file, made over FTP directly (not through ftpgate).
	curl -sS --max-time 20 --ftp-create-dirs -T "$work/hello.txt" "$vs_url/$dir/hello.txt" ||
		die "$name: could not prepare $dir on vsftpd"

	port=$(free_port)
	base=http://127.0.0.1:$port
	FTPGATE_LISTEN=127.0.0.1:$port FTPGATE_LOG=info "$@" >"$work/gate.log" 2>&1 &
	gate_pid=$!
	for ((i = 0; i < 200; i++)); do
		curl -sf --max-time 2 -o /dev/null "$base/healthz" && break
		kill -0 "$gate_pid" 2>/dev/null || die "$name: ftpgate exited at start"
		sleep 0.05
	done
	http 200 "$out" "$base/healthz"
	[[ $(<"$out") == ok ]] || die "$name: /healthz said $(<"$out")"

	# Log in (the login form's CSRF token is bound to a cookie).
	http 200 "$out" -c "$jar" "$base/login"
	csrf=$(grep -o 'name="csrf" value="[^"]*"' "$out" | head -1 | cut -d'"' -f4)
	[[ -n $csrf ]] || die "$name: no CSRF token in the login form"
	http 303 "$out" -b "$jar" -c "$jar" --data-urlencode "csrf=$csrf" \
		--data-urlencode "host=${vs_hostport%:*}" --data-urlencode "port=${vs_hostport#*:}" \
		--data-urlencode "user=$vs_user" --data-urlencode "password=$vs_pass" "$base/login"

	# List the folder.
	http 200 "$out" -b "$jar" "$base/browse/$dir/?format=json"
	grep -q "\"name\":\"hello.txt\",\"type\":\"file\",\"size\":$hello_bytes" "$out" ||
		die "$name: listing of /$dir lacks hello.txt ($hello_bytes bytes): $(<"$out")"
	token=$(grep -o '"csrf":"[^"]*"' "$out" | cut -d'"' -f4)
	[[ -n $token ]] || die "$name: no session CSRF token in the listing"

	# Upload 3 MiB (multipart), see it listed, download it, compare.
	http 303 "$out" -b "$jar" -H "X-CSRF-Token: $token" \
		-F "file=@$work/up.bin;filename=up load.bin" "$base/upload/$dir/"
	http 200 "$out" -b "$jar" "$base/browse/$dir/?format=json"
	grep -q "\"name\":\"up load.bin\",\"type\":\"file\",\"size\":$UPLOAD_BYTES" "$out" ||
		die "$name: listing after the upload lacks 'up load.bin' ($UPLOAD_BYTES bytes): $(<"$out")"
	http 200 "$work/down.bin" -b "$jar" "$base/download/$dir/up%20load.bin"
	cmp "$work/up.bin" "$work/down.bin" || die "$name: downloaded bytes differ from the uploaded ones"
	# And the file on the server is the same (not just a round trip through ftpgate).
	curl -sS --max-time 60 -o "$work/direct.bin" "$vs_url/$dir/up%20load.bin" ||
		die "$name: could not fetch the upload over FTP"
	cmp "$work/up.bin" "$work/direct.bin" || die "$name: the file on the FTP server differs"
	rm -f "$work/down.bin" "$work/direct.bin"

	# Log out: the session is gone afterwards.
	http 303 "$out" -b "$jar" -c "$jar" -H "X-CSRF-Token: $token" -X POST "$base/logout"
	http 401 "$out" -b "$jar" "$base/browse/$dir/?format=json"

	kill -0 "$gate_pid" 2>/dev/null || die "$name: ftpgate died"
	if grep -E 'ERROR|panicked' "$work/gate.log" >&2; then die "$name: errors in ftpgate's log"; fi
	kill "$gate_pid"
	wait "$gate_pid" 2>/dev/null || true
	gate_pid=
	curl -sS --max-time 20 -o /dev/null \
		-Q "DELE $dir/hello.txt" -Q "DELE $dir/up load.bin" -Q "RMD $dir" "$vs_url/" ||
		die "$name: could not clean up $dir on vsftpd"
	say "$name: login, list, upload, download (3 MiB, identical), logout: ok in $((SECONDS - started))s"
}
