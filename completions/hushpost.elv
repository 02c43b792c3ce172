
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
            cand id 'Show your name, fingerprint and routes, or your contact card'
            cand key 'Export keys'
            cand route 'Manage your own receive routes (they appear in your card)'
            cand contact 'Add, verify and configure contacts'
            cand send 'Send a message (body from stdin, or $EDITOR on a terminal)'
            cand reply 'Reply to a message'
            cand fetch 'Fetch new mail from all your routes'
            cand list 'List messages, newest first'
            cand read 'Show a message'
            cand delete 'Delete a message from the local store'
            cand search 'Full-text search over subject, body and sender'
            cand export 'Export all mail as a Maildir (for notmuch, mutt, aerc)'
            cand completions 'Print shell completions'
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
            cand export 'Print your receiving X25519 keys as an age identity file, so `age -d -i FILE` can open blobs sealed to you. Anyone holding this output can read your mail: keep it offline'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hushpost;key;export'= {
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand --age 'Age identity file format (the only format so far)'
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
            cand export 'Print your receiving X25519 keys as an age identity file, so `age -d -i FILE` can open blobs sealed to you. Anyone holding this output can read your mail: keep it offline'
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
        &'hushpost;route;help'= {
            cand add 'Add a route: dir:/absolute/path (folder, USB stick, share), ssh://USER@HOST[:PORT]/PATH#hostkey=SHA256:…, https://HOST[:PORT]#pin=sha256:… (relay), mailto:ADDRESS'
            cand list 'List your routes in order'
            cand remove 'Remove a route'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hushpost;route;help;add'= {
        }
        &'hushpost;route;help;list'= {
        }
        &'hushpost;route;help;remove'= {
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
            cand list 'List contacts'
            cand show 'Show a contact: fingerprint, safety number, verified or not, routes'
            cand verify 'Mark a contact verified after comparing safety numbers'
            cand remove 'Remove a contact (their messages stay)'
            cand routes 'Show the routes used for a contact, or set which of their card''s routes to use and in what order (no URL after `--reset` means: back to the card''s list)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hushpost;contact;add'= {
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
            cand list 'List contacts'
            cand show 'Show a contact: fingerprint, safety number, verified or not, routes'
            cand verify 'Mark a contact verified after comparing safety numbers'
            cand remove 'Remove a contact (their messages stay)'
            cand routes 'Show the routes used for a contact, or set which of their card''s routes to use and in what order (no URL after `--reset` means: back to the card''s list)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hushpost;contact;help;add'= {
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
        &'hushpost;send'= {
            cand --to 'A recipient (repeatable)'
            cand -s 'Subject line'
            cand --subject 'Subject line'
            cand -a 'Attach a file (repeatable)'
            cand --attach 'Attach a file (repeatable)'
            cand --via 'Only use routes of this kind (dir, ssh, https, mailto), or force how to dial (tor, direct)'
            cand --expire 'Ask the recipient''s client to delete the message after this long (e.g. 2h, 7d). A courtesy their client honours, not something you can enforce'
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand --burn-after-reading 'Ask the recipient''s client to delete the message once read. A courtesy their client honours, not something you can enforce'
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
            cand --via 'Only use routes of this kind (dir, ssh, https, mailto), or tor / direct'
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand --all 'Reply to everyone the message went to (who is also your contact)'
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
            cand --save-attachments 'Save attachments into this folder under their original file names'
            cand --passphrase-file 'Read the keyring passphrase from this file instead of prompting'
            cand --raw 'Print the RFC 5322 message as is (for piping into other mail tools)'
            cand -q 'Only print errors'
            cand --quiet 'Only print errors'
            cand -v 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand --verbose 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
            cand -h 'Print help'
            cand --help 'Print help'
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
            cand -h 'Print help'
            cand --help 'Print help'
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
            cand id 'Show your name, fingerprint and routes, or your contact card'
            cand key 'Export keys'
            cand route 'Manage your own receive routes (they appear in your card)'
            cand contact 'Add, verify and configure contacts'
            cand send 'Send a message (body from stdin, or $EDITOR on a terminal)'
            cand reply 'Reply to a message'
            cand fetch 'Fetch new mail from all your routes'
            cand list 'List messages, newest first'
            cand read 'Show a message'
            cand delete 'Delete a message from the local store'
            cand search 'Full-text search over subject, body and sender'
            cand export 'Export all mail as a Maildir (for notmuch, mutt, aerc)'
            cand completions 'Print shell completions'
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
        &'hushpost;help;key'= {
            cand export 'Print your receiving X25519 keys as an age identity file, so `age -d -i FILE` can open blobs sealed to you. Anyone holding this output can read your mail: keep it offline'
        }
        &'hushpost;help;key;export'= {
        }
        &'hushpost;help;route'= {
            cand add 'Add a route: dir:/absolute/path (folder, USB stick, share), ssh://USER@HOST[:PORT]/PATH#hostkey=SHA256:…, https://HOST[:PORT]#pin=sha256:… (relay), mailto:ADDRESS'
            cand list 'List your routes in order'
            cand remove 'Remove a route'
        }
        &'hushpost;help;route;add'= {
        }
        &'hushpost;help;route;list'= {
        }
        &'hushpost;help;route;remove'= {
        }
        &'hushpost;help;contact'= {
            cand add 'Add a contact from their card (`-` reads the card from stdin)'
            cand list 'List contacts'
            cand show 'Show a contact: fingerprint, safety number, verified or not, routes'
            cand verify 'Mark a contact verified after comparing safety numbers'
            cand remove 'Remove a contact (their messages stay)'
            cand routes 'Show the routes used for a contact, or set which of their card''s routes to use and in what order (no URL after `--reset` means: back to the card''s list)'
        }
        &'hushpost;help;contact;add'= {
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
        &'hushpost;help;send'= {
        }
        &'hushpost;help;reply'= {
        }
        &'hushpost;help;fetch'= {
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
        &'hushpost;help;completions'= {
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
