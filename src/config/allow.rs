//! # FTP allow-list
//!
//! `--ftp-allow`: the FTP servers the appliance may be used to reach, for
//! admins who don't want it to probe the LAN. Entries are host names, IP
//! addresses or CIDR networks, each optionally with a port or port range:
//! `nas.local, 192.168.1.0/24:21, [fd00::]/8:2121-2122, 10.0.0.5`.

use std::net::IpAddr;

/// Most entries in one list.
pub const MAX_RULES: usize = 64;

/// What one entry allows.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    /// A host name, compared without case (as typed on the login form).
    Name(String),
    /// An address or network: every address the name resolves to must be inside.
    Net(IpAddr, u8),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Rule {
    target: Target,
    ports: (u16, u16),
}

/// The parsed `--ftp-allow` list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowList(Vec<Rule>);

impl AllowList {
    /// Parses a comma-separated list.
    pub fn parse(text: &str) -> Result<AllowList, String> {
        let rules: Vec<Rule> = text
            .split(',')
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(parse_rule)
            .collect::<Result<_, _>>()?;
        if rules.is_empty() {
            return Err("the list is empty".into());
        }
        if rules.len() > MAX_RULES {
            return Err(format!("at most {MAX_RULES} entries"));
        }
        Ok(AllowList(rules))
    }

    /// Whether `host:port` may be reached: a name entry matches the host as
    /// typed, or address entries hold every address it resolved to.
    pub fn allows(&self, host: &str, port: u16, resolved: &[IpAddr]) -> bool {
        let rules = || {
            self.0
                .iter()
                .filter(|r| (r.ports.0..=r.ports.1).contains(&port))
        };
        let named =
            rules().any(|r| matches!(&r.target, Target::Name(n) if n.eq_ignore_ascii_case(host)));
        let inside = |ip: &IpAddr| {
            rules().any(|r| matches!(r.target, Target::Net(net, len) if contains(net, len, *ip)))
        };
        named || (!resolved.is_empty() && resolved.iter().all(inside))
    }
}

fn parse_rule(entry: &str) -> Result<Rule, String> {
    let bad = || format!("{entry:?} is not a host, address or network with an optional :port");
    // `[v6]`, `[v6]/len`, `[v6]:port`; v4 and names split at their only colon.
    let (target, ports) = if let Some(rest) = entry.strip_prefix('[') {
        let (addr, after) = rest.split_once(']').ok_or_else(bad)?;
        let (len, ports) = match after.split_once(':') {
            Some((len, p)) => (len, Some(p)),
            None => (after, None),
        };
        (format!("{addr}{len}"), ports)
    } else {
        match entry.split_once(':') {
            Some((t, p)) if !p.contains(':') => (t.to_string(), Some(p)),
            Some(_) => (entry.to_string(), None),
            None => (entry.to_string(), None),
        }
    };
    let ports = match ports {
        None => (1, u16::MAX),
        Some(p) => parse_ports(p).ok_or_else(bad)?,
    };
    Ok(Rule {
        target: parse_target(&target).ok_or_else(bad)?,
        ports,
    })
}

fn parse_ports(p: &str) -> Option<(u16, u16)> {
    let (a, b) = p.split_once('-').unwrap_or((p, p));
    let (a, b): (u16, u16) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
    (a > 0 && a <= b).then_some((a, b))
}

fn parse_target(t: &str) -> Option<Target> {
    if let Some((addr, len)) = t.split_once('/') {
        let ip: IpAddr = addr.parse().ok()?;
        let len: u8 = len.parse().ok()?;
        let max = if ip.is_ipv4() { 32 } else { 128 };
        return (len <= max).then_some(Target::Net(ip, len));
    }
    if let Ok(ip) = t.parse::<IpAddr>() {
        return Some(Target::Net(ip, if ip.is_ipv4() { 32 } else { 128 }));
    }
    super::check_host(t).ok()?;
    Some(Target::Name(t.to_ascii_lowercase()))
}

/// Whether `ip` is inside `net/len` (same family only).
fn contains(net: IpAddr, len: u8, ip: IpAddr) -> bool {
    let ip = crate::http::canonical(ip);
    let (net, ip, bits) = match (net, ip) {
        (IpAddr::V4(n), IpAddr::V4(i)) => (u32::from(n) as u128, u32::from(i) as u128, 32),
        (IpAddr::V6(n), IpAddr::V6(i)) => (u128::from(n), u128::from(i), 128),
        _ => return false,
    };
    let len = u32::from(len);
    if len == 0 {
        return true;
    }
    let shift = bits - len;
    (net >> shift) == (ip >> shift)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn parses_names_addresses_networks_and_ports() {
        let list = AllowList::parse(
            "nas.local, 192.168.1.0/24:21, [fd00::]/8:2121-2122, 10.0.0.5, [::1]:21",
        )
        .unwrap();
        assert!(list.allows("NAS.local", 2121, &[]));
        assert!(list.allows("x", 21, &[ip("192.168.1.77")]));
        assert!(!list.allows("x", 22, &[ip("192.168.1.77")]));
        assert!(!list.allows("x", 21, &[ip("192.168.2.1")]));
        assert!(list.allows("x", 2122, &[ip("fd12::1")]));
        assert!(!list.allows("x", 2123, &[ip("fd12::1")]));
        assert!(list.allows("10.0.0.5", 990, &[ip("10.0.0.5")]));
        assert!(list.allows("::1", 21, &[ip("::1")]));
        assert!(!list.allows("::1", 2121, &[ip("::1")]));
    }

    #[test]
    fn every_resolved_address_must_be_allowed() {
        let list = AllowList::parse("192.168.1.0/24").unwrap();
        assert!(!list.allows("nas", 21, &[ip("192.168.1.2"), ip("8.8.8.8")]));
        assert!(!list.allows("nas", 21, &[]));
        assert!(list.allows("nas", 21, &[ip("::ffff:192.168.1.2")]));
    }

    #[test]
    fn refuses_malformed_entries() {
        for bad in [
            "",
            "a b",
            "10.0.0.0/33",
            "[::1",
            "host:0",
            "host:5-1",
            "host:x",
            "1.2.3.4/-1",
            "ftp://x",
        ] {
            assert!(AllowList::parse(bad).is_err(), "{bad:?}");
        }
        assert!(AllowList::parse(&vec!["h"; MAX_RULES + 1].join(",")).is_err());
    }
}
