//! # Advice
//!
//! What the doctor tells people to change, by what it saw: which server
//! software a greeting names, what kind of address a PASV reply carries,
//! and the setting that fixes a wrong passive address on each server.

use std::net::{IpAddr, Ipv4Addr};

/// FTP server software the doctor has advice for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Software {
    Vsftpd,
    ProFtpd,
    PureFtpd,
    Other,
}

/// The server software a greeting names (`220 (vsFTPd 3.0.3)`,
/// `220 ProFTPD Server`, `220---------- Welcome to Pure-FTPd`).
pub fn software(greeting: &str) -> Software {
    let g = greeting.to_ascii_lowercase();
    if g.contains("vsftpd") {
        Software::Vsftpd
    } else if g.contains("proftpd") {
        Software::ProFtpd
    } else if g.contains("pure-ftpd") || g.contains("pureftpd") {
        Software::PureFtpd
    } else {
        Software::Other
    }
}

/// What kind of address an IPv4 address is, in words, when it is one a
/// client elsewhere cannot reach.
pub fn unroutable(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, ..] = ip.octets();
    if ip.is_unspecified() {
        Some("0.0.0.0, no address at all")
    } else if ip.is_loopback() {
        Some("a loopback address, the server itself")
    } else if a == 172 && (17..=31).contains(&b) {
        Some("a private address of the kind Docker gives containers")
    } else if ip.is_private() {
        Some("a private address")
    } else if ip.is_link_local() {
        Some("a link-local address")
    } else if a == 100 && (64..=127).contains(&b) {
        Some("a carrier-grade NAT address")
    } else {
        None
    }
}

/// The setting that makes the server announce `ip` for passive mode, for
/// `software` (all three when it is not known).
pub fn passive_address_fix(software: Software, ip: IpAddr) -> Vec<String> {
    let vsftpd = format!("vsftpd: pasv_address={ip} in vsftpd.conf (and pasv_min_port/pasv_max_port for the port range), then restart it");
    let proftpd = format!(
        "ProFTPD: MasqueradeAddress {ip} in proftpd.conf (and PassivePorts for the port range)"
    );
    let pure = format!("Pure-FTPd: ForcePassiveIP {ip} in pure-ftpd.conf, or the -P {ip} option (and PassivePortRange)");
    match software {
        Software::Vsftpd => vec![vsftpd],
        Software::ProFtpd => vec![proftpd],
        Software::PureFtpd => vec![pure],
        Software::Other => vec![
            vsftpd,
            proftpd,
            pure,
            "In a container: publish the passive port range too, and set the server's passive address to the host's.".into(),
        ],
    }
}

/// The setting that opens the passive ports in a firewall, in words.
pub fn passive_ports_fix(software: Software) -> &'static str {
    match software {
        Software::Vsftpd => "Fix: let the ports from pasv_min_port to pasv_max_port (vsftpd.conf) through the firewall in front of the server, or set that range and open it.",
        Software::ProFtpd => "Fix: set PassivePorts in proftpd.conf and let that range through the firewall in front of the server.",
        Software::PureFtpd => "Fix: set PassivePortRange in pure-ftpd.conf and let that range through the firewall in front of the server.",
        Software::Other => "Fix: find the server's passive port range setting and let that range through the firewall in front of it.",
    }
}

/// The start of a line that is too long to show whole.
pub fn shorten(line: &str, max: usize) -> String {
    match line.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &line[..at]),
        None => line.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_software_in_a_greeting() {
        assert_eq!(software("(vsFTPd 3.0.3)"), Software::Vsftpd);
        assert_eq!(
            software("ProFTPD 1.3.8 Server (Debian) [::ffff:10.0.0.2]"),
            Software::ProFtpd
        );
        assert_eq!(
            software("---------- Welcome to Pure-FTPd [privsep] [TLS] ----------"),
            Software::PureFtpd
        );
        assert_eq!(software("FileZilla Server 1.8"), Software::Other);
    }

    #[test]
    fn tells_unroutable_addresses() {
        let kind = |s: &str| unroutable(s.parse().unwrap());
        assert!(kind("172.17.0.2").unwrap().contains("Docker"));
        assert_eq!(kind("192.168.1.10"), Some("a private address"));
        assert!(kind("127.0.0.1").unwrap().contains("loopback"));
        assert!(kind("0.0.0.0").is_some());
        assert!(kind("100.64.3.4").is_some());
        assert_eq!(kind("203.0.113.9"), None);
    }

    #[test]
    fn fixes_name_the_address() {
        let ip: IpAddr = "192.168.1.10".parse().unwrap();
        let fix = passive_address_fix(Software::Vsftpd, ip);
        assert_eq!(fix.len(), 1);
        assert!(fix[0].contains("pasv_address=192.168.1.10"), "{fix:?}");
        assert_eq!(passive_address_fix(Software::Other, ip).len(), 4);
    }

    #[test]
    fn shortens_on_a_character_boundary() {
        assert_eq!(shorten("héllo", 2), "hé…");
        assert_eq!(shorten("hi", 5), "hi");
    }
}
