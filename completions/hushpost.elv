
use builtin;
use str;

set edit:completion:arg-completer[hushpost] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'hushpost'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'hushpost'= {
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand init 'Create your identity (keys, a local drop, the mail store)'
            cand id 'Show your name, fingerprint and routes, whether the keyring is unlocked, or your card'
            cand unlock 'Unlock the keyring once: an agent keeps it in memory until `lock` or the idle timeout'
            cand lock 'Lock the keyring now: the agent forgets it'
            cand agent 'Run the agent in the foreground (for a systemd user unit); `unlock` starts one itself'
            cand key 'Export keys'
            cand route 'Manage your own receive routes (they appear in your card)'
            cand contact 'Add, verify and configure contacts'
            cand account 'Configure the e-mail account that mailto: routes use (SMTP out, IMAP in)'
            cand send 'Send a message (body from stdin, or $EDITOR on a terminal)'
            cand reply 'Reply to a message'
            cand fetch 'Fetch new mail from all your routes'
            cand poll 'One tick of the unattended scheduler (cron), or --daemon: queued sends, cover traffic, fetch'
            cand outbox 'What has not left yet and why; retry or drop it'
            cand quarantine 'Blobs kept aside because their date was outside the window; release or drop them'
            cand leaks 'What each route lets the drop operator, the network and the contact observe'
            cand doctor 'Check that the Tor proxy and your routes answer'
            cand list 'List messages, newest first'
            cand read 'Show a message'
            cand delete 'Delete a message from the local store'
            cand search 'Full-text search over subject, body and sender'
            cand export 'Export all mail as a Maildir (for notmuch, mutt, aerc)'
            cand sendmail 'Send a message a mail client wrote (sendmail/msmtp compatible: neomutt, aerc, git send-email)'
            cand completions 'Print shell completions'
            cand relay 'Run a relay: an HTTPS dead drop for anyone''s sealed blobs (see `relay serve --help`)'
            cand tui 'Open the inbox'
            cand gen-docs 'Write man pages and completions (for packagers and the drift check)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hushpost;init'= {
            cand --name 'Your display name, as your contacts will see it'
            cand --route 'A receive route (repeatable): dir:/abs/path, ssh://…, https://…, mailto:…'
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand --no-passphrase 'Store the keys without a passphrase (explicit opt-out)'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hushpost;id'= {
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand --json 'Machine-readable output'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand card 'Print your one-line contact card (give it only to people who may write to you: it lets them post to you)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hushpost;id;card'= {
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand --qr 'Also render it as a QR code for the terminal'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hushpost;id;help'= {
            cand card 'Print your one-line contact card (give it only to people who may write to you: it lets them post to you)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hushpost;id;help;card'= {
        }
        &'hushpost;id;help;help'= {
        }
        &'hushpost;unlock'= {
            cand --timeout 'Lock after this long without use (e.g. 30m, 2h; 0 = only on `hushpost lock`)'
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hushpost;lock'= {
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hushpost;agent'= {
            cand --timeout 'Default idle timeout (e.g. 30m; 0 = only on `hushpost lock`); else `[agent] timeout`'
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand --detached 'Started by `unlock`: the socket is stdin; exit once locked'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hushpost;key'= {
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand export 'Print your receiving keys as an age identity file, so `age -d -i FILE` can open blobs sealed to you: the post-quantum (ML-KEM-768 + X25519) keys as `AGE-SECRET-KEY-PQ-1…` lines (age 1.3 and newer, rage, npm age-encryption) and the X25519 keys as `AGE-SECRET-KEY-1…`. Anyone holding this output can read your mail: keep it offline'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hushpost;key;export'= {
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand --age 'Age identity file format (the only format so far)'
            cand --classical-only 'Only the X25519 keys: for age before 1.3 (Debian''s Go age 1.1), which refuses a file with a post-quantum line. It opens only mail sealed classically'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hushpost;key;help'= {
            cand export 'Print your receiving keys as an age identity file, so `age -d -i FILE` can open blobs sealed to you: the post-quantum (ML-KEM-768 + X25519) keys as `AGE-SECRET-KEY-PQ-1…` lines (age 1.3 and newer, rage, npm age-encryption) and the X25519 keys as `AGE-SECRET-KEY-1…`. Anyone holding this output can read your mail: keep it offline'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hushpost;key;help;export'= {
        }
        &'hushpost;key;help;help'= {
        }
        &'hushpost;route'= {
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand add 'Add a route: dir:/absolute/path (folder, USB stick, share), ssh://USER@HOST[:PORT]/PATH#hostkey=SHA256:…, https://HOST[:PORT]#pin=sha256:… (relay), mailto:ADDRESS'
            cand list 'List your routes in order'
            cand remove 'Remove a route'
            cand ssh-setup 'Print how to turn an OpenSSH server you administer into an SSH drop: a fresh drop key, the commands to run as root, the sshd_config block, the route to add and the [ssh] settings for config.toml. Senders log in with the drop key and can only create files; you fetch with your own key. Changes nothing, here or on the server'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hushpost;route;add'= {
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hushpost;route;list'= {
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hushpost;route;remove'= {
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hushpost;route;ssh-setup'= {
            cand --host 'Host name or address that senders dial'
            cand --port 'SSH port'
            cand --host-key 'The server''s host key to pin: SHA256:… (ssh-keygen -lf on the server) or its .pub file'
            cand --owner-key 'Your public key (the owner''s), for fetching. Default: the .pub beside [ssh] key_file'
            cand --drop-user 'Account that senders log in as (created by the printed commands)'
            cand --owner-user 'Account that you fetch as (created by the printed commands)'
            cand --chroot 'Chroot of both accounts (it and every directory above it must be root-owned)'
            cand --dir 'Name of the drop directory inside the chroot'
            cand --keys-dir 'Root-owned directory for the two accounts'' authorized_keys files'
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand --json 'Machine-readable output'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hushpost;route;help'= {
            cand add 'Add a route: dir:/absolute/path (folder, USB stick, share), ssh://USER@HOST[:PORT]/PATH#hostkey=SHA256:…, https://HOST[:PORT]#pin=sha256:… (relay), mailto:ADDRESS'
            cand list 'List your routes in order'
            cand remove 'Remove a route'
            cand ssh-setup 'Print how to turn an OpenSSH server you administer into an SSH drop: a fresh drop key, the commands to run as root, the sshd_config block, the route to add and the [ssh] settings for config.toml. Senders log in with the drop key and can only create files; you fetch with your own key. Changes nothing, here or on the server'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hushpost;route;help;add'= {
        }
        &'hushpost;route;help;list'= {
        }
        &'hushpost;route;help;remove'= {
        }
        &'hushpost;route;help;ssh-setup'= {
        }
        &'hushpost;route;help;help'= {
        }
        &'hushpost;contact'= {
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand add 'Add a contact from their card (`-` reads the card from stdin)'
            cand via 'How to reach this contact''s network routes: `tor` (only ever through the Tor proxy, never directly — not on a proxy failure, not for DNS), `direct`, or `default` (the `[network] via` of config.toml). Onion routes and routes whose owner asked for Tor always use Tor'
            cand fallback 'Whether a later route of this contact may take mail their first route could not (`on`), or mail waits in the outbox for the first route (`off`, the default: the order of their routes is a privacy order, and falling back silently would override it). `send --fallback` allows it for one message'
            cand requests 'Contact requests received (someone holding your card introduced themselves)'
            cand accept 'Accept contact request N (from `contact requests`) under your NAME for them'
            cand reject 'Reject contact request N (from `contact requests`): it is dropped and its sender is not added'
            cand list 'List contacts'
            cand show 'Show a contact: fingerprint, safety number, verified or not, routes'
            cand verify 'Mark a contact verified after comparing safety numbers'
            cand remove 'Remove a contact (their messages stay)'
            cand routes 'Show the routes used for a contact, or set which of their card''s routes to use and in what order (no URL after `--reset` means: back to the card''s list)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hushpost;contact;add'= {
            cand --note 'A note for the contact request'
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand --introduce 'Also send them a contact request (your card, through their card''s intro mailbox) so they can add you without meeting again'
            cand --allow-local 'Also use the card''s routes that point at local places: folders, and loopback or private addresses. Without it they are listed but not used (a card must not be able to make your client write into your folders or knock on your own ports); `contact routes NAME ROUTE…` enables them one by one'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hushpost;contact;via'= {
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hushpost;contact;fallback'= {
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hushpost;contact;requests'= {
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hushpost;contact;accept'= {
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand --allow-local 'Also use the card''s routes that point at local places (as `contact add --allow-local`)'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hushpost;contact;reject'= {
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hushpost;contact;list'= {
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand --json 'Machine-readable output'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hushpost;contact;show'= {
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand --json 'Machine-readable output'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hushpost;contact;verify'= {
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hushpost;contact;remove'= {
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hushpost;contact;routes'= {
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand --reset 'Use all of the card''s routes in the card''s order again'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hushpost;contact;help'= {
            cand add 'Add a contact from their card (`-` reads the card from stdin)'
            cand via 'How to reach this contact''s network routes: `tor` (only ever through the Tor proxy, never directly — not on a proxy failure, not for DNS), `direct`, or `default` (the `[network] via` of config.toml). Onion routes and routes whose owner asked for Tor always use Tor'
            cand fallback 'Whether a later route of this contact may take mail their first route could not (`on`), or mail waits in the outbox for the first route (`off`, the default: the order of their routes is a privacy order, and falling back silently would override it). `send --fallback` allows it for one message'
            cand requests 'Contact requests received (someone holding your card introduced themselves)'
            cand accept 'Accept contact request N (from `contact requests`) under your NAME for them'
            cand reject 'Reject contact request N (from `contact requests`): it is dropped and its sender is not added'
            cand list 'List contacts'
            cand show 'Show a contact: fingerprint, safety number, verified or not, routes'
            cand verify 'Mark a contact verified after comparing safety numbers'
            cand remove 'Remove a contact (their messages stay)'
            cand routes 'Show the routes used for a contact, or set which of their card''s routes to use and in what order (no URL after `--reset` means: back to the card''s list)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hushpost;contact;help;add'= {
        }
        &'hushpost;contact;help;via'= {
        }
        &'hushpost;contact;help;fallback'= {
        }
        &'hushpost;contact;help;requests'= {
        }
        &'hushpost;contact;help;accept'= {
        }
        &'hushpost;contact;help;reject'= {
        }
        &'hushpost;contact;help;list'= {
        }
        &'hushpost;contact;help;show'= {
        }
        &'hushpost;contact;help;verify'= {
        }
        &'hushpost;contact;help;remove'= {
        }
        &'hushpost;contact;help;routes'= {
        }
        &'hushpost;contact;help;help'= {
        }
        &'hushpost;account'= {
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand add 'Write the [account] section (replacing any), then optionally log in to both servers'
            cand show 'Show the [account] section'
            cand test 'Log in to both servers (and open the folder) to check the settings and password'
            cand remove 'Remove the [account] section'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hushpost;account;add'= {
            cand --address 'Your e-mail address (the From of your hushpost mails; add it as a route with `hushpost route add mailto:ADDRESS` to receive on it)'
            cand --smtp 'SMTP submission server, HOST[:PORT] (default port 465, implicit TLS)'
            cand --imap 'IMAP server, HOST[:PORT] (default port 993, implicit TLS)'
            cand --user 'Login on both servers (default: the address)'
            cand --password-command 'Command that prints the password, e.g. "pass show mail/me"'
            cand --smtp-tls 'SMTP TLS mode (default: implicit on port 465, STARTTLS elsewhere)'
            cand --imap-tls 'IMAP TLS mode (default: implicit on port 993, STARTTLS elsewhere)'
            cand --folder 'IMAP folder to fetch from'
            cand --move-to 'Move fetched hushpost mails to this (existing) folder instead of deleting them'
            cand --ca-file 'Extra CA certificate (PEM) to trust, e.g. a self-hosted server''s'
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand --password-stdin 'Read the password from the first line of stdin and keep it in the encrypted keyring (without this or --password-command, a terminal prompts for it)'
            cand --allow-plaintext-loopback 'Talk in the clear to a server on this machine that offers no TLS (test servers only; refused for any other host)'
            cand --test 'Log in to both servers after saving'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hushpost;account;show'= {
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand --json 'Machine-readable output'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hushpost;account;test'= {
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hushpost;account;remove'= {
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hushpost;account;help'= {
            cand add 'Write the [account] section (replacing any), then optionally log in to both servers'
            cand show 'Show the [account] section'
            cand test 'Log in to both servers (and open the folder) to check the settings and password'
            cand remove 'Remove the [account] section'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hushpost;account;help;add'= {
        }
        &'hushpost;account;help;show'= {
        }
        &'hushpost;account;help;test'= {
        }
        &'hushpost;account;help;remove'= {
        }
        &'hushpost;account;help;help'= {
        }
        &'hushpost;send'= {
            cand --to 'A recipient (repeatable)'
            cand -s 'Subject line'
            cand --subject 'Subject line'
            cand -a 'Attach a file (repeatable)'
            cand --attach 'Attach a file (repeatable)'
            cand --via 'The network mode for this message: `tor` (only through the Tor proxy) or `direct`, overriding the contact''s and config.toml''s. (A route kind here, as in `--via ssh`, still works but is deprecated: use --route.)'
            cand --route 'Only use the contact''s routes of this kind'
            cand --expire 'Ask the recipient''s client to delete the message after this long (e.g. 2h, 7d). A courtesy their client honours, not something you can enforce'
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand --burn-after-reading 'Ask the recipient''s client to delete the message once read. A courtesy their client honours, not something you can enforce'
            cand --now 'On a route with cover traffic, send at once instead of waiting for the next `hushpost poll` slot. This reveals the moment of sending to anyone watching'
            cand --fallback 'If a recipient''s first route fails, try their next ones (normally only where `contact fallback NAME on` allows it: the route order is a privacy order)'
            cand --json 'Machine-readable report'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hushpost;reply'= {
            cand -s 'Subject (default: "Re: " + the original''s)'
            cand --subject 'Subject (default: "Re: " + the original''s)'
            cand -a 'Attach a file (repeatable)'
            cand --attach 'Attach a file (repeatable)'
            cand --via 'The network mode for this message: `tor` (only through the Tor proxy) or `direct`, overriding the contact''s and config.toml''s. (A route kind here, as in `--via ssh`, still works but is deprecated: use --route.)'
            cand --route 'Only use the contact''s routes of this kind'
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand --all 'Reply to everyone the message went to (who is also your contact)'
            cand --now 'On a route with cover traffic, send at once instead of waiting for the next `hushpost poll` slot. This reveals the moment of sending to anyone watching'
            cand --fallback 'If a recipient''s first route fails, try their next ones (normally only where `contact fallback NAME on` allows it: the route order is a privacy order)'
            cand --json 'Machine-readable report'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hushpost;fetch'= {
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand --json 'Machine-readable report'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hushpost;poll'= {
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand --daemon 'Keep running, with randomized (Poisson) intervals between ticks'
            cand --json 'Machine-readable report'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hushpost;outbox'= {
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand --json 'Machine-readable output'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List what is waiting (the default)'
            cand retry 'Send delivery ID now — or every delivery kept after a failure — whatever the backoff. On a route with cover traffic this sends outside its regular slots, which reveals the moment'
            cand drop 'Give up on delivery ID: its blobs leave the outbox (what already reached the drop stays there until the recipient fetches or it expires)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hushpost;outbox;list'= {
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand --json 'Machine-readable output'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hushpost;outbox;retry'= {
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand --json 'Machine-readable output'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hushpost;outbox;drop'= {
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand --json 'Machine-readable output'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hushpost;outbox;help'= {
            cand list 'List what is waiting (the default)'
            cand retry 'Send delivery ID now — or every delivery kept after a failure — whatever the backoff. On a route with cover traffic this sends outside its regular slots, which reveals the moment'
            cand drop 'Give up on delivery ID: its blobs leave the outbox (what already reached the drop stays there until the recipient fetches or it expires)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hushpost;outbox;help;list'= {
        }
        &'hushpost;outbox;help;retry'= {
        }
        &'hushpost;outbox;help;drop'= {
        }
        &'hushpost;outbox;help;help'= {
        }
        &'hushpost;quarantine'= {
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand --json 'Machine-readable output'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List what is kept aside (the default)'
            cand release 'Open blob ID whatever its date and store it like fetched mail'
            cand drop 'Forget blob ID'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hushpost;quarantine;list'= {
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand --json 'Machine-readable output'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hushpost;quarantine;release'= {
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand --json 'Machine-readable output'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hushpost;quarantine;drop'= {
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand --json 'Machine-readable output'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hushpost;quarantine;help'= {
            cand list 'List what is kept aside (the default)'
            cand release 'Open blob ID whatever its date and store it like fetched mail'
            cand drop 'Forget blob ID'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hushpost;quarantine;help;list'= {
        }
        &'hushpost;quarantine;help;release'= {
        }
        &'hushpost;quarantine;help;drop'= {
        }
        &'hushpost;quarantine;help;help'= {
        }
        &'hushpost;leaks'= {
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand --json 'Machine-readable output'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hushpost;doctor'= {
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand --json 'Machine-readable output'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hushpost;list'= {
            cand -n 'At most this many'
            cand --limit 'At most this many'
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand --json 'Machine-readable output: an array of {id, from, subject, date, unread, thread, …}'
            cand --unread 'Only unread messages'
            cand --sent 'Show sent mail instead of received'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hushpost;read'= {
            cand --save-attachments 'Save attachments into this folder (created if missing) under their file names, made safe: no directories, control or bidi characters or leading dots, at most 200 bytes; never over an existing file or through a link (a taken name gets a number)'
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand --raw 'Print the RFC 5322 message (for piping into other mail tools), with headers that name the verified sender'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hushpost;delete'= {
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hushpost;search'= {
            cand -n 'At most this many'
            cand --limit 'At most this many'
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand --json 'Machine-readable output'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hushpost;export'= {
            cand --maildir 'The Maildir to write (created if missing)'
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hushpost;sendmail'= {
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hushpost;completions'= {
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hushpost;relay'= {
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand serve 'Serve until SIGTERM or SIGINT (then finish requests in flight and exit)'
            cand migrate 'Copy a relay''s blobs from its segment store (--data DIR) into PostgreSQL'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hushpost;relay;serve'= {
            cand --listen 'Address to listen on, e.g. 0.0.0.0:8443 or [::]:443 (port 0 picks a free port)'
            cand --data 'Data directory: blobs, and the self-signed certificate. Created 0700. With --store, only the certificate (nodes of one route may share the directory)'
            cand --store 'Keep blobs in PostgreSQL instead of segment files under --data: postgres://USER@HOST:PORT/DB. Several relay nodes may share one database'
            cand --tls-cert 'PEM certificate chain (leaf first)'
            cand --tls-key 'PEM private key for --tls-cert'
            cand --tag-quota 'Unread blobs one tag may hold; more are refused (retryable), never evicted'
            cand --tag-max-bytes 'Bytes of unread blobs one tag may hold; more are refused (retryable), never evicted'
            cand --retention 'How long an unread blob is kept before it is deleted'
            cand --pow-difficulty 'Proof-of-work bits asked of intro posts; it rises by itself under load, up to 26'
            cand --max-store-size 'Refuse puts (retryable, HTTP 507) once the stored blobs take this much (e.g. 50G)'
            cand --min-free-space 'Refuse puts (retryable, HTTP 507) while the disk has less free space than this'
            cand --max-connections 'Most open connections; more are closed at once (0: as the file-descriptor limit, raised to its hard value at start, allows)'
            cand --rate-per-connection 'Requests per second one connection may make (bursts of twice that); 0 = no limit'
            cand --rate-global 'Requests per second the relay takes in all (bursts of twice that); 0 = no limit'
            cand --put-pow-difficulty 'Proof-of-work bits every PUT needs while the relay is busy (connections at half the cap, or the relay''s rate exceeded in the last 10 s)'
            cand --lanes 'Writer lanes: parallel group commits (each has its own segment file)'
            cand --segment-size 'Segment file size at which a lane starts a new one'
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand --tls-self-signed 'Make a self-signed certificate on first start (kept in DIR/tls/) and print its pin'
            cand --plain-http 'Plain HTTP, only on a loopback address: behind a Tor onion service (see below) or a TLS-terminating proxy on the same machine'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hushpost;relay;migrate'= {
            cand --from 'The relay''s data directory (as given to `relay serve --data`); the relay must be stopped'
            cand --to 'The PostgreSQL store, postgres://USER@HOST:PORT/DB'
            cand --retention 'The retention the relay runs with: older blobs are not copied'
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hushpost;relay;help'= {
            cand serve 'Serve until SIGTERM or SIGINT (then finish requests in flight and exit)'
            cand migrate 'Copy a relay''s blobs from its segment store (--data DIR) into PostgreSQL'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hushpost;relay;help;serve'= {
        }
        &'hushpost;relay;help;migrate'= {
        }
        &'hushpost;relay;help;help'= {
        }
        &'hushpost;tui'= {
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hushpost;gen-docs'= {
            cand --out 'The folder that holds man/ and completions/ (the repository root)'
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hushpost;help'= {
            cand init 'Create your identity (keys, a local drop, the mail store)'
            cand id 'Show your name, fingerprint and routes, whether the keyring is unlocked, or your card'
            cand unlock 'Unlock the keyring once: an agent keeps it in memory until `lock` or the idle timeout'
            cand lock 'Lock the keyring now: the agent forgets it'
            cand agent 'Run the agent in the foreground (for a systemd user unit); `unlock` starts one itself'
            cand key 'Export keys'
            cand route 'Manage your own receive routes (they appear in your card)'
            cand contact 'Add, verify and configure contacts'
            cand account 'Configure the e-mail account that mailto: routes use (SMTP out, IMAP in)'
            cand send 'Send a message (body from stdin, or $EDITOR on a terminal)'
            cand reply 'Reply to a message'
            cand fetch 'Fetch new mail from all your routes'
            cand poll 'One tick of the unattended scheduler (cron), or --daemon: queued sends, cover traffic, fetch'
            cand outbox 'What has not left yet and why; retry or drop it'
            cand quarantine 'Blobs kept aside because their date was outside the window; release or drop them'
            cand leaks 'What each route lets the drop operator, the network and the contact observe'
            cand doctor 'Check that the Tor proxy and your routes answer'
            cand list 'List messages, newest first'
            cand read 'Show a message'
            cand delete 'Delete a message from the local store'
            cand search 'Full-text search over subject, body and sender'
            cand export 'Export all mail as a Maildir (for notmuch, mutt, aerc)'
            cand sendmail 'Send a message a mail client wrote (sendmail/msmtp compatible: neomutt, aerc, git send-email)'
            cand completions 'Print shell completions'
            cand relay 'Run a relay: an HTTPS dead drop for anyone''s sealed blobs (see `relay serve --help`)'
            cand tui 'Open the inbox'
            cand gen-docs 'Write man pages and completions (for packagers and the drift check)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hushpost;help;init'= {
        }
        &'hushpost;help;id'= {
            cand card 'Print your one-line contact card (give it only to people who may write to you: it lets them post to you)'
        }
        &'hushpost;help;id;card'= {
        }
        &'hushpost;help;unlock'= {
        }
        &'hushpost;help;lock'= {
        }
        &'hushpost;help;agent'= {
        }
        &'hushpost;help;key'= {
            cand export 'Print your receiving keys as an age identity file, so `age -d -i FILE` can open blobs sealed to you: the post-quantum (ML-KEM-768 + X25519) keys as `AGE-SECRET-KEY-PQ-1…` lines (age 1.3 and newer, rage, npm age-encryption) and the X25519 keys as `AGE-SECRET-KEY-1…`. Anyone holding this output can read your mail: keep it offline'
        }
        &'hushpost;help;key;export'= {
        }
        &'hushpost;help;route'= {
            cand add 'Add a route: dir:/absolute/path (folder, USB stick, share), ssh://USER@HOST[:PORT]/PATH#hostkey=SHA256:…, https://HOST[:PORT]#pin=sha256:… (relay), mailto:ADDRESS'
            cand list 'List your routes in order'
            cand remove 'Remove a route'
            cand ssh-setup 'Print how to turn an OpenSSH server you administer into an SSH drop: a fresh drop key, the commands to run as root, the sshd_config block, the route to add and the [ssh] settings for config.toml. Senders log in with the drop key and can only create files; you fetch with your own key. Changes nothing, here or on the server'
        }
        &'hushpost;help;route;add'= {
        }
        &'hushpost;help;route;list'= {
        }
        &'hushpost;help;route;remove'= {
        }
        &'hushpost;help;route;ssh-setup'= {
        }
        &'hushpost;help;contact'= {
            cand add 'Add a contact from their card (`-` reads the card from stdin)'
            cand via 'How to reach this contact''s network routes: `tor` (only ever through the Tor proxy, never directly — not on a proxy failure, not for DNS), `direct`, or `default` (the `[network] via` of config.toml). Onion routes and routes whose owner asked for Tor always use Tor'
            cand fallback 'Whether a later route of this contact may take mail their first route could not (`on`), or mail waits in the outbox for the first route (`off`, the default: the order of their routes is a privacy order, and falling back silently would override it). `send --fallback` allows it for one message'
            cand requests 'Contact requests received (someone holding your card introduced themselves)'
            cand accept 'Accept contact request N (from `contact requests`) under your NAME for them'
            cand reject 'Reject contact request N (from `contact requests`): it is dropped and its sender is not added'
            cand list 'List contacts'
            cand show 'Show a contact: fingerprint, safety number, verified or not, routes'
            cand verify 'Mark a contact verified after comparing safety numbers'
            cand remove 'Remove a contact (their messages stay)'
            cand routes 'Show the routes used for a contact, or set which of their card''s routes to use and in what order (no URL after `--reset` means: back to the card''s list)'
        }
        &'hushpost;help;contact;add'= {
        }
        &'hushpost;help;contact;via'= {
        }
        &'hushpost;help;contact;fallback'= {
        }
        &'hushpost;help;contact;requests'= {
        }
        &'hushpost;help;contact;accept'= {
        }
        &'hushpost;help;contact;reject'= {
        }
        &'hushpost;help;contact;list'= {
        }
        &'hushpost;help;contact;show'= {
        }
        &'hushpost;help;contact;verify'= {
        }
        &'hushpost;help;contact;remove'= {
        }
        &'hushpost;help;contact;routes'= {
        }
        &'hushpost;help;account'= {
            cand add 'Write the [account] section (replacing any), then optionally log in to both servers'
            cand show 'Show the [account] section'
            cand test 'Log in to both servers (and open the folder) to check the settings and password'
            cand remove 'Remove the [account] section'
        }
        &'hushpost;help;account;add'= {
        }
        &'hushpost;help;account;show'= {
        }
        &'hushpost;help;account;test'= {
        }
        &'hushpost;help;account;remove'= {
        }
        &'hushpost;help;send'= {
        }
        &'hushpost;help;reply'= {
        }
        &'hushpost;help;fetch'= {
        }
        &'hushpost;help;poll'= {
        }
        &'hushpost;help;outbox'= {
            cand list 'List what is waiting (the default)'
            cand retry 'Send delivery ID now — or every delivery kept after a failure — whatever the backoff. On a route with cover traffic this sends outside its regular slots, which reveals the moment'
            cand drop 'Give up on delivery ID: its blobs leave the outbox (what already reached the drop stays there until the recipient fetches or it expires)'
        }
        &'hushpost;help;outbox;list'= {
        }
        &'hushpost;help;outbox;retry'= {
        }
        &'hushpost;help;outbox;drop'= {
        }
        &'hushpost;help;quarantine'= {
            cand list 'List what is kept aside (the default)'
            cand release 'Open blob ID whatever its date and store it like fetched mail'
            cand drop 'Forget blob ID'
        }
        &'hushpost;help;quarantine;list'= {
        }
        &'hushpost;help;quarantine;release'= {
        }
        &'hushpost;help;quarantine;drop'= {
        }
        &'hushpost;help;leaks'= {
        }
        &'hushpost;help;doctor'= {
        }
        &'hushpost;help;list'= {
        }
        &'hushpost;help;read'= {
        }
        &'hushpost;help;delete'= {
        }
        &'hushpost;help;search'= {
        }
        &'hushpost;help;export'= {
        }
        &'hushpost;help;sendmail'= {
        }
        &'hushpost;help;completions'= {
        }
        &'hushpost;help;relay'= {
            cand serve 'Serve until SIGTERM or SIGINT (then finish requests in flight and exit)'
            cand migrate 'Copy a relay''s blobs from its segment store (--data DIR) into PostgreSQL'
        }
        &'hushpost;help;relay;serve'= {
        }
        &'hushpost;help;relay;migrate'= {
        }
        &'hushpost;help;tui'= {
        }
        &'hushpost;help;gen-docs'= {
        }
        &'hushpost;help;help'= {
        }
    ]
    $completions[$command]
}
