//! A contact request must have paid the relay's proof of work: that is what keeps anyone
//! holding a card from flooding its intro mailbox. The relay marks blobs that came in as
//! stamped intro posts; a request put into the intro mailbox by a plain PUT (no stamp) is
//! refused by the recipient's client and never listed as a request.
#![allow(
    clippy::disallowed_methods,
    reason = "test fixtures are throw-away files"
)]

mod common;
use common::*;
use hushpost_core::{Card, Day, Route, Secret32, tags::intro_fetch_cap};
use hushpost_transports::{DeadDrop, DialOptions, Flow, PutOptions};

#[test]
fn a_contact_request_posted_without_the_relays_stamp_is_refused() {
    let t = tempdir();
    let (relay, a, b) = pair_on_relay(t.path(), "[cover]\nschemes = []\n");
    // Bob introduces himself the proper way: a stamped post to /v1/intro.
    b.ok(&[
        "contact",
        "add",
        "--allow-local",
        "alice",
        &a.card(),
        "--introduce",
        "--note",
        "hi",
    ]);

    // Take the request out of Alice's intro mailbox as any card holder could, and put the
    // same bytes back with a plain, unstamped PUT.
    let card = Card::parse(&a.card()).expect("card");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    let cap = intro_fetch_cap(&Secret32::from_bytes(card.intro_cap), Day::of(now));
    let route: Route = relay.route.parse().expect("route");
    let mut d = relay_drop(&route, &DialOptions::default()).expect("drop");
    let mut got = Vec::new();
    d.fetch(std::slice::from_ref(&cap), &mut |f| {
        got.push(f);
        Flow::Continue
    })
    .expect("fetch");
    assert_eq!(got.len(), 1, "Bob's request is in the intro mailbox");
    assert!(!got[0].unstamped, "a proper intro post is stamped");
    let blob = got[0].blob.clone();
    d.delete(std::slice::from_ref(&cap), &[(0, got[0].id.clone())])
        .expect("delete");
    d.put(&cap.tag(), &blob, PutOptions::default())
        .expect("plain put");

    let (code, out, err) = a.run(&["-v", "fetch"]);
    assert!(
        err.contains("without the relay's proof of work"),
        "the refusal is said: {code} {out} {err}"
    );
    let reqs = a.ok(&["contact", "requests"]);
    assert!(!reqs.contains("Bob"), "never listed as a request: {reqs}");
}
