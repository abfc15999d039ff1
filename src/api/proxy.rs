//! Which proxy an https request goes through, as the HTTP client picks it from the environment,
//! so that a failure of the proxy is blamed on the proxy and not on the space.

use reqwest::Url;

use crate::text::sanitize;

/// The proxy that serves https requests to `host`, as `scheme://host:port` (never its
/// credentials) with the variable that set it; `None` when requests go direct.
pub(crate) fn https_proxy_for(host: &str, env: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let first = |names: &[&'static str]| {
        names
            .iter()
            .find_map(|n| env(n).filter(|v| !v.trim().is_empty()).map(|v| (*n, v)))
    };
    // The order reqwest (hyper-util's matcher) reads them in.
    let (var, value) =
        first(&["HTTPS_PROXY", "https_proxy"]).or_else(|| first(&["ALL_PROXY", "all_proxy"]))?;
    let no_proxy = first(&["NO_PROXY", "no_proxy"]).map(|(_, v)| v);
    if no_proxy.is_some_and(|list| excluded(host, &list)) {
        return None;
    }
    Some(format!("{} (from ${var})", shown(&value)))
}

/// The proxy as `scheme://host:port`: a proxy URL may carry a user and password.
fn shown(value: &str) -> String {
    let with_scheme = if value.contains("://") {
        value.trim().to_owned()
    } else {
        format!("http://{}", value.trim())
    };
    let shown = match Url::parse(&with_scheme) {
        Ok(u) => {
            let host = u.host_str().unwrap_or_default();
            match u.port_or_known_default() {
                Some(port) => format!("{}://{host}:{port}", u.scheme()),
                None => format!("{}://{host}", u.scheme()),
            }
        }
        Err(_) => "an unreadable proxy URL".to_owned(),
    };
    sanitize(&shown).into_owned()
}

/// Whether `NO_PROXY`'s list names `host` (`*`, the host, or a domain it is under).
fn excluded(host: &str, list: &str) -> bool {
    let host = host.trim_matches(['[', ']']).to_ascii_lowercase();
    list.split(',').map(str::trim).any(|item| {
        let item = item.trim_start_matches('.').to_ascii_lowercase();
        item == "*" || (!item.is_empty() && (host == item || host.ends_with(&format!(".{item}"))))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &[(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        let pairs = pairs.to_vec();
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn the_proxy_is_named_without_its_password() {
        let env = env_of(&[("https_proxy", "http://user:hunter2@proxy.corp:3128/")]);
        let p = https_proxy_for("acme.signalwire.com", &env).unwrap();
        assert_eq!(p, "http://proxy.corp:3128 (from $https_proxy)");
        assert!(https_proxy_for("acme.signalwire.com", &env_of(&[])).is_none());
        let env = env_of(&[
            ("ALL_PROXY", "socks5://127.0.0.1:9"),
            ("NO_PROXY", ".signalwire.com"),
        ]);
        assert!(https_proxy_for("acme.signalwire.com", &env).is_none());
        assert!(https_proxy_for("example.org", &env).is_some());
    }
}
