//! What a route protects, said in one line at the point of use: `contact show`, the TUI's
//! compose badge and its contact screen all call [`protection_badge`], so the CLI and the
//! inbox never disagree about what a route hides.
//!
//! Must not overclaim: every segment is a fact of the protocol (sealed, padded, tags
//! unlinkable) or of the wire (who can see the IP address), and it names what stays visible.

use hushpost_core::route::{Route, Via};

/// How a route will be dialled, as [`crate::Session::send`] does it: Tor whenever the route
/// demands it (an onion, or its owner asked for `via=tor`), else the contact's own choice,
/// else the global default of `config.toml` (`direct` when neither says anything usable).
pub fn effective_via(route: &Route, contact_via: Option<&str>, default_via: &str) -> Via {
    if route.required_via() == Some(Via::Tor) {
        return Via::Tor;
    }
    [contact_via, Some(default_via)]
        .into_iter()
        .flatten()
        .find_map(|v| v.parse::<Via>().ok())
        .unwrap_or(Via::Direct)
}

/// One line saying how a message travels on `route` and what that hides, such as
/// `relay via tor · padded · sender hidden · IP hidden`. `via` only matters for network
/// routes; `cover` says whether cover traffic runs on this route (the sends an observer
/// sees are then not all real).
pub fn protection_badge(route: &Route, via: Via, cover: bool) -> String {
    let tor = via == Via::Tor && route.is_network();
    let how = match route {
        Route::Dir { .. } => "folder drop".to_string(),
        Route::Ssh { .. } => format!("ssh drop {}", if tor { "via tor" } else { "direct" }),
        Route::Https { .. } => format!("relay {}", if tor { "via tor" } else { "direct" }),
        Route::Mailto { .. } if tor => "e-mail via tor".to_string(),
        Route::Mailto { .. } => "e-mail".to_string(),
    };
    let who = match route {
        // The e-mail's own headers carry both addresses.
        Route::Mailto { .. } => "content hidden",
        _ => "sender hidden",
    };
    let seen = match route {
        Route::Dir { .. } => "folder readers see file times",
        Route::Mailto { .. } => "the provider sees both addresses",
        Route::Ssh { .. } if !tor => "the host sees your IP",
        Route::Https { .. } if !tor => "the relay sees your IP",
        Route::Ssh { .. } | Route::Https { .. } => "IP hidden",
    };
    let mut parts = vec![how.as_str(), "padded"];
    if cover {
        parts.push("cover traffic");
    }
    parts.push(who);
    parts.push(seen);
    parts.join(" · ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: &str) -> Route {
        s.parse().expect("route")
    }

    #[test]
    fn badges_name_what_stays_visible() {
        let dir = r("dir:/tmp/drop");
        assert_eq!(
            protection_badge(&dir, Via::Tor, false),
            "folder drop · padded · sender hidden · folder readers see file times"
        );
        let relay = r("https://relay.example");
        assert_eq!(
            protection_badge(&relay, Via::Tor, false),
            "relay via tor · padded · sender hidden · IP hidden"
        );
        assert_eq!(
            protection_badge(&relay, Via::Direct, true),
            "relay direct · padded · cover traffic · sender hidden · the relay sees your IP"
        );
        let mail = r("mailto:a@example.org");
        assert!(protection_badge(&mail, Via::Direct, false).contains("both addresses"));
    }

    #[test]
    fn via_follows_route_then_contact_then_default() {
        let onion = r("https://abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz23.onion");
        assert_eq!(effective_via(&onion, Some("direct"), "direct"), Via::Tor);
        let relay = r("https://relay.example");
        assert_eq!(effective_via(&relay, Some("tor"), "direct"), Via::Tor);
        assert_eq!(effective_via(&relay, None, "tor"), Via::Tor);
        assert_eq!(effective_via(&relay, None, "direct"), Via::Direct);
        assert_eq!(effective_via(&relay, Some("bogus"), "bogus"), Via::Direct);
    }
}
