use super::*;

fn scan_all(bytes: &[u8]) -> Result<Option<usize>, HeadError> {
    Scanner::default().scan(bytes)
}

fn parse(text: &str) -> Result<Head, HeadError> {
    let bytes = text.as_bytes();
    let end = scan_all(bytes)?.expect("a complete head");
    let skip = Scanner::leading_blank(bytes);
    Head::parse(&bytes[skip..end])
}

#[test]
fn finds_the_end_of_a_head_fed_byte_by_byte() {
    let head = b"GET / HTTP/1.1\r\nHost: x\r\n\r\nBODY";
    let mut scanner = Scanner::default();
    for n in 1..head.len() {
        match scanner.scan(&head[..n]).unwrap() {
            Some(end) => {
                assert_eq!(end, head.len() - 4);
                return;
            }
            None => assert!(n < head.len() - 4),
        }
    }
    panic!("never found the end");
}

#[test]
fn a_request_line_one_byte_under_the_cap_passes_and_over_it_is_414() {
    let fits = format!("GET /{} HTTP/1.1", "a".repeat(MAX_REQUEST_LINE - 14));
    assert_eq!(fits.len(), MAX_REQUEST_LINE);
    assert!(scan_all(format!("{fits}\r\nHost: x\r\n\r\n").as_bytes())
        .unwrap()
        .is_some());
    let over = format!("GET /{} HTTP/1.1", "a".repeat(MAX_REQUEST_LINE - 13));
    assert_eq!(scan_all(over.as_bytes()), Err(HeadError::LineTooLong));
    assert_eq!(HeadError::LineTooLong.status(), 414);
}

#[test]
fn a_header_line_over_the_cap_is_431_even_before_it_ends() {
    let value = "v".repeat(MAX_HEADER_LINE - 3);
    let fits = format!("GET / HTTP/1.1\r\nX: {value}\r\n\r\n");
    assert!(scan_all(fits.as_bytes()).unwrap().is_some());
    let over = format!("GET / HTTP/1.1\r\nX: {value}vv");
    assert_eq!(scan_all(over.as_bytes()), Err(HeadError::TooLarge));
}

#[test]
fn counts_headers_against_the_cap() {
    let lines = |n: usize| (0..n).map(|i| format!("H{i}: v\r\n")).collect::<String>();
    let fits = format!("GET / HTTP/1.0\r\n{}\r\n", lines(MAX_HEADERS));
    assert!(scan_all(fits.as_bytes()).unwrap().is_some());
    assert_eq!(
        Head::parse(fits.as_bytes()).unwrap().headers.len(),
        MAX_HEADERS
    );
    let over = format!("GET / HTTP/1.1\r\n{}\r\n", lines(MAX_HEADERS + 1));
    assert_eq!(scan_all(over.as_bytes()), Err(HeadError::TooLarge));
}

#[test]
fn a_whole_head_over_the_cap_is_431() {
    let line = format!("X: {}\r\n", "v".repeat(4000));
    let many = format!(
        "GET / HTTP/1.1\r\n{}",
        line.repeat(MAX_HEAD / line.len() + 1)
    );
    assert_eq!(scan_all(many.as_bytes()), Err(HeadError::TooLarge));
}

#[test]
fn skips_blank_lines_before_the_request_line() {
    let head = parse("\r\n\r\nGET /x HTTP/1.1\r\nHost: a\r\n\r\n").unwrap();
    assert_eq!(head.target, "/x");
}

#[test]
fn parses_method_target_version_and_headers() {
    let head = parse("POST /upload/a%20b/?x=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 12\r\nX-Csrf-Token: t\r\n\r\n").unwrap();
    assert_eq!(head.method, Method::Post);
    assert_eq!(head.target, "/upload/a%20b/?x=1");
    assert_eq!(head.minor, 1);
    assert_eq!(head.framing, Framing::Length(12));
    assert_eq!(head.header("x-csrf-token"), Some("t"));
    assert!(head.keep_alive);
}

#[test]
fn http_1_0_closes_unless_keep_alive_is_asked() {
    assert!(!parse("GET / HTTP/1.0\r\n\r\n").unwrap().keep_alive);
    assert!(
        parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            .unwrap()
            .keep_alive
    );
    assert!(
        !parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: Close\r\n\r\n")
            .unwrap()
            .keep_alive
    );
}

#[test]
fn refuses_other_versions_and_http_0_9() {
    assert_eq!(
        parse("GET / HTTP/2.0\r\nHost: a\r\n\r\n").unwrap_err(),
        HeadError::Version
    );
    assert_eq!(
        parse("GET / HTTP/1.2\r\nHost: a\r\n\r\n")
            .unwrap_err()
            .status(),
        505
    );
    assert_eq!(parse("GET /\r\n\r\n").unwrap_err().status(), 400);
    // Refused as soon as the line ends: an HTTP/0.9 client sends no blank line.
    assert_eq!(scan_all(b"GET /\r\n").unwrap_err().status(), 400);
    assert_eq!(scan_all(b"GET / HTTP/2.0\r\n"), Ok(None));
}

#[test]
fn needs_exactly_one_host_in_http_1_1() {
    assert_eq!(parse("GET / HTTP/1.1\r\n\r\n").unwrap_err().status(), 400);
    assert_eq!(
        parse("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n")
            .unwrap_err()
            .status(),
        400
    );
}

#[test]
fn refuses_control_bytes_in_the_request_line_and_headers() {
    for bad in [
        "GET /a\0b HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET /a\x01b HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET /\u{e9} HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nBad Name: v\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\n: v\r\n\r\n",
    ] {
        assert_eq!(parse(bad).map(|_| ()).unwrap_err().status(), 400, "{bad:?}");
    }
}

#[test]
fn refuses_obs_fold() {
    let folded = "GET / HTTP/1.1\r\nHost: a\r\nX-A: one\r\n two\r\n\r\n";
    assert_eq!(parse(folded).unwrap_err().status(), 400);
}

#[test]
fn refuses_ambiguous_framing() {
    let cases = [
        "Content-Length: 5\r\nTransfer-Encoding: chunked",
        "Content-Length: 5\r\nContent-Length: 6",
        "Content-Length: 5, 6",
        "Content-Length: -1",
        "Content-Length: +5",
        "Content-Length: 0x10",
        "Content-Length: 5 5",
        "Content-Length: ",
        "Content-Length: 18446744073709551616",
        "Transfer-Encoding: gzip, chunked",
        "Transfer-Encoding: chunked, chunked",
        "Transfer-Encoding: identity",
        "Transfer-Encoding: xchunked",
        "Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip",
        "Expect: 200-ok",
    ];
    for case in cases {
        let text = format!("POST / HTTP/1.1\r\nHost: a\r\n{case}\r\n\r\n");
        assert_eq!(
            parse(&text).map(|_| ()).unwrap_err().status(),
            400,
            "{case:?}"
        );
    }
    let te_10 = "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n";
    assert_eq!(parse(te_10).unwrap_err().status(), 400);
}

#[test]
fn accepts_agreeing_duplicate_lengths_the_largest_length_and_chunked() {
    let same =
        parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 7\r\nContent-Length: 7\r\n\r\n")
            .unwrap();
    assert_eq!(same.framing, Framing::Length(7));
    let max =
        parse("PUT / HTTP/1.1\r\nHost: a\r\nContent-Length: 18446744073709551615\r\n\r\n").unwrap();
    assert_eq!(max.framing, Framing::Length(u64::MAX));
    let chunked = parse("PUT / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n").unwrap();
    assert_eq!(chunked.framing, Framing::Chunked);
}

#[test]
fn expect_100_continue_is_noted_for_http_1_1_only() {
    let h = parse("PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n")
        .unwrap();
    assert!(h.expect_continue);
    let h = parse("PUT / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n").unwrap();
    assert!(!h.expect_continue);
}

#[test]
fn turns_absolute_form_into_a_path_and_refuses_other_forms() {
    assert_eq!(
        parse("GET http://h:8080/a?b HTTP/1.1\r\nHost: h\r\n\r\n")
            .unwrap()
            .target,
        "/a?b"
    );
    assert_eq!(
        parse("GET HTTP://h HTTP/1.1\r\nHost: h\r\n\r\n")
            .unwrap()
            .target,
        "/"
    );
    assert_eq!(
        parse("GET http://h?q HTTP/1.1\r\nHost: h\r\n\r\n")
            .unwrap()
            .target,
        "/?q"
    );
    assert_eq!(
        parse("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n")
            .unwrap()
            .target,
        "*"
    );
    assert_eq!(
        parse("CONNECT h:443 HTTP/1.1\r\nHost: h\r\n\r\n")
            .unwrap_err()
            .status(),
        400
    );
    assert_eq!(
        parse("GET ftp://h/ HTTP/1.1\r\nHost: h\r\n\r\n")
            .unwrap_err()
            .status(),
        400
    );
}

#[test]
fn keeps_unknown_methods_as_tokens() {
    let h = parse("BREW /pot HTTP/1.1\r\nHost: a\r\n\r\n").unwrap();
    assert_eq!(h.method, Method::Other("BREW".into()));
    assert_eq!(
        parse("G(E)T / HTTP/1.1\r\nHost: a\r\n\r\n")
            .unwrap_err()
            .status(),
        400
    );
}

#[test]
fn a_head_longer_than_the_cap_is_refused_even_when_it_arrives_in_one_read() {
    let line = format!("X: {}\r\n", "v".repeat(4000));
    let head = format!(
        "GET / HTTP/1.1\r\n{}\r\n",
        line.repeat(MAX_HEAD / line.len() + 1)
    );
    assert!(head.len() > MAX_HEAD);
    assert_eq!(scan_all(head.as_bytes()), Err(HeadError::TooLarge));
}
