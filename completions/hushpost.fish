# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_hushpost_global_optspecs
    string join \n passphrase-file= q/quiet v/verbose h/help V/version
end

function __fish_hushpost_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_hushpost_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_hushpost_using_subcommand
    set -l cmd (__fish_hushpost_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c hushpost -n "__fish_hushpost_needs_command" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_needs_command" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_needs_command" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hushpost -n "__fish_hushpost_needs_command" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_needs_command" -f -a "init" -d 'Create your identity (keys, a local drop, the mail store)'
complete -c hushpost -n "__fish_hushpost_needs_command" -f -a "id" -d 'Show your name, fingerprint and routes, whether the keyring is unlocked, or your card'
complete -c hushpost -n "__fish_hushpost_needs_command" -f -a "unlock" -d 'Unlock the keyring once: an agent keeps it in memory until `lock` or the idle timeout'
complete -c hushpost -n "__fish_hushpost_needs_command" -f -a "lock" -d 'Lock the keyring now: the agent forgets it'
complete -c hushpost -n "__fish_hushpost_needs_command" -f -a "agent" -d 'Run the agent in the foreground (for a systemd user unit); `unlock` starts one itself'
complete -c hushpost -n "__fish_hushpost_needs_command" -f -a "key" -d 'Export keys'
complete -c hushpost -n "__fish_hushpost_needs_command" -f -a "route" -d 'Manage your own receive routes (they appear in your card)'
complete -c hushpost -n "__fish_hushpost_needs_command" -f -a "contact" -d 'Add, verify and configure contacts'
complete -c hushpost -n "__fish_hushpost_needs_command" -f -a "account" -d 'Configure the e-mail account that mailto: routes use (SMTP out, IMAP in)'
complete -c hushpost -n "__fish_hushpost_needs_command" -f -a "send" -d 'Send a message (body from stdin, or $EDITOR on a terminal)'
complete -c hushpost -n "__fish_hushpost_needs_command" -f -a "reply" -d 'Reply to a message'
complete -c hushpost -n "__fish_hushpost_needs_command" -f -a "fetch" -d 'Fetch new mail from all your routes'
complete -c hushpost -n "__fish_hushpost_needs_command" -f -a "poll" -d 'One tick of the unattended scheduler (cron), or --daemon: queued sends, cover traffic, fetch'
complete -c hushpost -n "__fish_hushpost_needs_command" -f -a "outbox" -d 'What has not left yet and why; retry or drop it'
complete -c hushpost -n "__fish_hushpost_needs_command" -f -a "quarantine" -d 'Blobs kept aside because their date was outside the window; release or drop them'
complete -c hushpost -n "__fish_hushpost_needs_command" -f -a "leaks" -d 'What each route lets the drop operator, the network and the contact observe'
complete -c hushpost -n "__fish_hushpost_needs_command" -f -a "doctor" -d 'Check that the Tor proxy and your routes answer'
complete -c hushpost -n "__fish_hushpost_needs_command" -f -a "list" -d 'List messages, newest first'
complete -c hushpost -n "__fish_hushpost_needs_command" -f -a "read" -d 'Show a message'
complete -c hushpost -n "__fish_hushpost_needs_command" -f -a "delete" -d 'Delete a message from the local store'
complete -c hushpost -n "__fish_hushpost_needs_command" -f -a "search" -d 'Full-text search over subject, body and sender'
complete -c hushpost -n "__fish_hushpost_needs_command" -f -a "export" -d 'Export all mail as a Maildir (for notmuch, mutt, aerc)'
complete -c hushpost -n "__fish_hushpost_needs_command" -f -a "sendmail" -d 'Send a message a mail client wrote (sendmail/msmtp compatible: neomutt, aerc, git send-email)'
complete -c hushpost -n "__fish_hushpost_needs_command" -f -a "completions" -d 'Print shell completions'
complete -c hushpost -n "__fish_hushpost_needs_command" -f -a "relay" -d 'Run a relay: an HTTPS dead drop for anyone\'s sealed blobs (see `relay serve --help`)'
complete -c hushpost -n "__fish_hushpost_needs_command" -f -a "tui" -d 'Open the inbox'
complete -c hushpost -n "__fish_hushpost_needs_command" -f -a "gen-docs" -d 'Write man pages and completions (for packagers and the drift check)'
complete -c hushpost -n "__fish_hushpost_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hushpost -n "__fish_hushpost_using_subcommand init" -l name -d 'Your display name, as your contacts will see it' -r
complete -c hushpost -n "__fish_hushpost_using_subcommand init" -l route -d 'A receive route (repeatable): dir:/abs/path, ssh://…, https://…, mailto:…' -r
complete -c hushpost -n "__fish_hushpost_using_subcommand init" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand init" -l no-passphrase -d 'Store the keys without a passphrase (explicit opt-out)'
complete -c hushpost -n "__fish_hushpost_using_subcommand init" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand init" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand init" -s h -l help -d 'Print help'
complete -c hushpost -n "__fish_hushpost_using_subcommand init" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand id; and not __fish_seen_subcommand_from card help" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand id; and not __fish_seen_subcommand_from card help" -l json -d 'Machine-readable output'
complete -c hushpost -n "__fish_hushpost_using_subcommand id; and not __fish_seen_subcommand_from card help" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand id; and not __fish_seen_subcommand_from card help" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand id; and not __fish_seen_subcommand_from card help" -s h -l help -d 'Print help'
complete -c hushpost -n "__fish_hushpost_using_subcommand id; and not __fish_seen_subcommand_from card help" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand id; and not __fish_seen_subcommand_from card help" -f -a "card" -d 'Print your one-line contact card (give it only to people who may write to you: it lets them post to you)'
complete -c hushpost -n "__fish_hushpost_using_subcommand id; and not __fish_seen_subcommand_from card help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hushpost -n "__fish_hushpost_using_subcommand id; and __fish_seen_subcommand_from card" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand id; and __fish_seen_subcommand_from card" -l qr -d 'Also render it as a QR code for the terminal'
complete -c hushpost -n "__fish_hushpost_using_subcommand id; and __fish_seen_subcommand_from card" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand id; and __fish_seen_subcommand_from card" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand id; and __fish_seen_subcommand_from card" -s h -l help -d 'Print help'
complete -c hushpost -n "__fish_hushpost_using_subcommand id; and __fish_seen_subcommand_from card" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand id; and __fish_seen_subcommand_from help" -f -a "card" -d 'Print your one-line contact card (give it only to people who may write to you: it lets them post to you)'
complete -c hushpost -n "__fish_hushpost_using_subcommand id; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hushpost -n "__fish_hushpost_using_subcommand unlock" -l timeout -d 'Lock after this long without use (e.g. 30m, 2h; 0 = only on `hushpost lock`)' -r
complete -c hushpost -n "__fish_hushpost_using_subcommand unlock" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand unlock" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand unlock" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand unlock" -s h -l help -d 'Print help'
complete -c hushpost -n "__fish_hushpost_using_subcommand unlock" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand lock" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand lock" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand lock" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand lock" -s h -l help -d 'Print help'
complete -c hushpost -n "__fish_hushpost_using_subcommand lock" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand agent" -l timeout -d 'Default idle timeout (e.g. 30m; 0 = only on `hushpost lock`); else `[agent] timeout`' -r
complete -c hushpost -n "__fish_hushpost_using_subcommand agent" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand agent" -l detached -d 'Started by `unlock`: the socket is stdin; exit once locked'
complete -c hushpost -n "__fish_hushpost_using_subcommand agent" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand agent" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand agent" -s h -l help -d 'Print help'
complete -c hushpost -n "__fish_hushpost_using_subcommand agent" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand key; and not __fish_seen_subcommand_from export help" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand key; and not __fish_seen_subcommand_from export help" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand key; and not __fish_seen_subcommand_from export help" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand key; and not __fish_seen_subcommand_from export help" -s h -l help -d 'Print help'
complete -c hushpost -n "__fish_hushpost_using_subcommand key; and not __fish_seen_subcommand_from export help" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand key; and not __fish_seen_subcommand_from export help" -f -a "export" -d 'Print your receiving keys as an age identity file, so `age -d -i FILE` can open blobs sealed to you: the post-quantum (ML-KEM-768 + X25519) keys as `AGE-SECRET-KEY-PQ-1…` lines (age 1.3 and newer, rage, npm age-encryption) and the X25519 keys as `AGE-SECRET-KEY-1…`. Anyone holding this output can read your mail: keep it offline'
complete -c hushpost -n "__fish_hushpost_using_subcommand key; and not __fish_seen_subcommand_from export help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hushpost -n "__fish_hushpost_using_subcommand key; and __fish_seen_subcommand_from export" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand key; and __fish_seen_subcommand_from export" -l age -d 'Age identity file format (the only format so far)'
complete -c hushpost -n "__fish_hushpost_using_subcommand key; and __fish_seen_subcommand_from export" -l classical-only -d 'Only the X25519 keys: for age before 1.3 (Debian\'s Go age 1.1), which refuses a file with a post-quantum line. It opens only mail sealed classically'
complete -c hushpost -n "__fish_hushpost_using_subcommand key; and __fish_seen_subcommand_from export" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand key; and __fish_seen_subcommand_from export" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand key; and __fish_seen_subcommand_from export" -s h -l help -d 'Print help'
complete -c hushpost -n "__fish_hushpost_using_subcommand key; and __fish_seen_subcommand_from export" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand key; and __fish_seen_subcommand_from help" -f -a "export" -d 'Print your receiving keys as an age identity file, so `age -d -i FILE` can open blobs sealed to you: the post-quantum (ML-KEM-768 + X25519) keys as `AGE-SECRET-KEY-PQ-1…` lines (age 1.3 and newer, rage, npm age-encryption) and the X25519 keys as `AGE-SECRET-KEY-1…`. Anyone holding this output can read your mail: keep it offline'
complete -c hushpost -n "__fish_hushpost_using_subcommand key; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hushpost -n "__fish_hushpost_using_subcommand route; and not __fish_seen_subcommand_from add list remove ssh-setup help" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand route; and not __fish_seen_subcommand_from add list remove ssh-setup help" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand route; and not __fish_seen_subcommand_from add list remove ssh-setup help" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand route; and not __fish_seen_subcommand_from add list remove ssh-setup help" -s h -l help -d 'Print help'
complete -c hushpost -n "__fish_hushpost_using_subcommand route; and not __fish_seen_subcommand_from add list remove ssh-setup help" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand route; and not __fish_seen_subcommand_from add list remove ssh-setup help" -f -a "add" -d 'Add a route: dir:/absolute/path (folder, USB stick, share), ssh://USER@HOST[:PORT]/PATH#hostkey=SHA256:…, https://HOST[:PORT]#pin=sha256:… (relay), mailto:ADDRESS'
complete -c hushpost -n "__fish_hushpost_using_subcommand route; and not __fish_seen_subcommand_from add list remove ssh-setup help" -f -a "list" -d 'List your routes in order'
complete -c hushpost -n "__fish_hushpost_using_subcommand route; and not __fish_seen_subcommand_from add list remove ssh-setup help" -f -a "remove" -d 'Remove a route'
complete -c hushpost -n "__fish_hushpost_using_subcommand route; and not __fish_seen_subcommand_from add list remove ssh-setup help" -f -a "ssh-setup" -d 'Print how to turn an OpenSSH server you administer into an SSH drop: a fresh drop key, the commands to run as root, the sshd_config block, the route to add and the [ssh] settings for config.toml. Senders log in with the drop key and can only create files; you fetch with your own key. Changes nothing, here or on the server'
complete -c hushpost -n "__fish_hushpost_using_subcommand route; and not __fish_seen_subcommand_from add list remove ssh-setup help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hushpost -n "__fish_hushpost_using_subcommand route; and __fish_seen_subcommand_from add" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand route; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand route; and __fish_seen_subcommand_from add" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand route; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c hushpost -n "__fish_hushpost_using_subcommand route; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand route; and __fish_seen_subcommand_from list" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand route; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand route; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand route; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c hushpost -n "__fish_hushpost_using_subcommand route; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand route; and __fish_seen_subcommand_from remove" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand route; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand route; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand route; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c hushpost -n "__fish_hushpost_using_subcommand route; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand route; and __fish_seen_subcommand_from ssh-setup" -l host -d 'Host name or address that senders dial' -r
complete -c hushpost -n "__fish_hushpost_using_subcommand route; and __fish_seen_subcommand_from ssh-setup" -l port -d 'SSH port' -r
complete -c hushpost -n "__fish_hushpost_using_subcommand route; and __fish_seen_subcommand_from ssh-setup" -l host-key -d 'The server\'s host key to pin: SHA256:… (ssh-keygen -lf on the server) or its .pub file' -r
complete -c hushpost -n "__fish_hushpost_using_subcommand route; and __fish_seen_subcommand_from ssh-setup" -l owner-key -d 'Your public key (the owner\'s), for fetching. Default: the .pub beside [ssh] key_file' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand route; and __fish_seen_subcommand_from ssh-setup" -l drop-user -d 'Account that senders log in as (created by the printed commands)' -r
complete -c hushpost -n "__fish_hushpost_using_subcommand route; and __fish_seen_subcommand_from ssh-setup" -l owner-user -d 'Account that you fetch as (created by the printed commands)' -r
complete -c hushpost -n "__fish_hushpost_using_subcommand route; and __fish_seen_subcommand_from ssh-setup" -l chroot -d 'Chroot of both accounts (it and every directory above it must be root-owned)' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand route; and __fish_seen_subcommand_from ssh-setup" -l dir -d 'Name of the drop directory inside the chroot' -r
complete -c hushpost -n "__fish_hushpost_using_subcommand route; and __fish_seen_subcommand_from ssh-setup" -l keys-dir -d 'Root-owned directory for the two accounts\' authorized_keys files' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand route; and __fish_seen_subcommand_from ssh-setup" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand route; and __fish_seen_subcommand_from ssh-setup" -l json -d 'Machine-readable output'
complete -c hushpost -n "__fish_hushpost_using_subcommand route; and __fish_seen_subcommand_from ssh-setup" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand route; and __fish_seen_subcommand_from ssh-setup" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand route; and __fish_seen_subcommand_from ssh-setup" -s h -l help -d 'Print help'
complete -c hushpost -n "__fish_hushpost_using_subcommand route; and __fish_seen_subcommand_from ssh-setup" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand route; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add a route: dir:/absolute/path (folder, USB stick, share), ssh://USER@HOST[:PORT]/PATH#hostkey=SHA256:…, https://HOST[:PORT]#pin=sha256:… (relay), mailto:ADDRESS'
complete -c hushpost -n "__fish_hushpost_using_subcommand route; and __fish_seen_subcommand_from help" -f -a "list" -d 'List your routes in order'
complete -c hushpost -n "__fish_hushpost_using_subcommand route; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Remove a route'
complete -c hushpost -n "__fish_hushpost_using_subcommand route; and __fish_seen_subcommand_from help" -f -a "ssh-setup" -d 'Print how to turn an OpenSSH server you administer into an SSH drop: a fresh drop key, the commands to run as root, the sshd_config block, the route to add and the [ssh] settings for config.toml. Senders log in with the drop key and can only create files; you fetch with your own key. Changes nothing, here or on the server'
complete -c hushpost -n "__fish_hushpost_using_subcommand route; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and not __fish_seen_subcommand_from add via fallback requests accept reject list show verify remove routes help" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and not __fish_seen_subcommand_from add via fallback requests accept reject list show verify remove routes help" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and not __fish_seen_subcommand_from add via fallback requests accept reject list show verify remove routes help" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and not __fish_seen_subcommand_from add via fallback requests accept reject list show verify remove routes help" -s h -l help -d 'Print help'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and not __fish_seen_subcommand_from add via fallback requests accept reject list show verify remove routes help" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and not __fish_seen_subcommand_from add via fallback requests accept reject list show verify remove routes help" -f -a "add" -d 'Add a contact from their card (`-` reads the card from stdin)'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and not __fish_seen_subcommand_from add via fallback requests accept reject list show verify remove routes help" -f -a "via" -d 'How to reach this contact\'s network routes: `tor` (only ever through the Tor proxy, never directly — not on a proxy failure, not for DNS), `direct`, or `default` (the `[network] via` of config.toml). Onion routes and routes whose owner asked for Tor always use Tor'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and not __fish_seen_subcommand_from add via fallback requests accept reject list show verify remove routes help" -f -a "fallback" -d 'Whether a later route of this contact may take mail their first route could not (`on`), or mail waits in the outbox for the first route (`off`, the default: the order of their routes is a privacy order, and falling back silently would override it). `send --fallback` allows it for one message'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and not __fish_seen_subcommand_from add via fallback requests accept reject list show verify remove routes help" -f -a "requests" -d 'Contact requests received (someone holding your card introduced themselves)'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and not __fish_seen_subcommand_from add via fallback requests accept reject list show verify remove routes help" -f -a "accept" -d 'Accept contact request N (from `contact requests`) under your NAME for them'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and not __fish_seen_subcommand_from add via fallback requests accept reject list show verify remove routes help" -f -a "reject" -d 'Reject contact request N (from `contact requests`): it is dropped and its sender is not added'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and not __fish_seen_subcommand_from add via fallback requests accept reject list show verify remove routes help" -f -a "list" -d 'List contacts'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and not __fish_seen_subcommand_from add via fallback requests accept reject list show verify remove routes help" -f -a "show" -d 'Show a contact: fingerprint, safety number, verified or not, routes'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and not __fish_seen_subcommand_from add via fallback requests accept reject list show verify remove routes help" -f -a "verify" -d 'Mark a contact verified after comparing safety numbers'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and not __fish_seen_subcommand_from add via fallback requests accept reject list show verify remove routes help" -f -a "remove" -d 'Remove a contact (their messages stay)'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and not __fish_seen_subcommand_from add via fallback requests accept reject list show verify remove routes help" -f -a "routes" -d 'Show the routes used for a contact, or set which of their card\'s routes to use and in what order (no URL after `--reset` means: back to the card\'s list)'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and not __fish_seen_subcommand_from add via fallback requests accept reject list show verify remove routes help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from add" -l note -d 'A note for the contact request' -r
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from add" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from add" -l introduce -d 'Also send them a contact request (your card, through their card\'s intro mailbox) so they can add you without meeting again'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from add" -l allow-local -d 'Also use the card\'s routes that point at local places: folders, and loopback or private addresses. Without it they are listed but not used (a card must not be able to make your client write into your folders or knock on your own ports); `contact routes NAME ROUTE…` enables them one by one'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from add" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from via" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from via" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from via" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from via" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from via" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from fallback" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from fallback" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from fallback" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from fallback" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from fallback" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from requests" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from requests" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from requests" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from requests" -s h -l help -d 'Print help'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from requests" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from accept" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from accept" -l allow-local -d 'Also use the card\'s routes that point at local places (as `contact add --allow-local`)'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from accept" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from accept" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from accept" -s h -l help -d 'Print help'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from accept" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from reject" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from reject" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from reject" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from reject" -s h -l help -d 'Print help'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from reject" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from list" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from list" -l json -d 'Machine-readable output'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from show" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from show" -l json -d 'Machine-readable output'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from verify" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from verify" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from verify" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from verify" -s h -l help -d 'Print help'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from verify" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from remove" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from routes" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from routes" -l reset -d 'Use all of the card\'s routes in the card\'s order again'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from routes" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from routes" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from routes" -s h -l help -d 'Print help'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from routes" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add a contact from their card (`-` reads the card from stdin)'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from help" -f -a "via" -d 'How to reach this contact\'s network routes: `tor` (only ever through the Tor proxy, never directly — not on a proxy failure, not for DNS), `direct`, or `default` (the `[network] via` of config.toml). Onion routes and routes whose owner asked for Tor always use Tor'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from help" -f -a "fallback" -d 'Whether a later route of this contact may take mail their first route could not (`on`), or mail waits in the outbox for the first route (`off`, the default: the order of their routes is a privacy order, and falling back silently would override it). `send --fallback` allows it for one message'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from help" -f -a "requests" -d 'Contact requests received (someone holding your card introduced themselves)'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from help" -f -a "accept" -d 'Accept contact request N (from `contact requests`) under your NAME for them'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from help" -f -a "reject" -d 'Reject contact request N (from `contact requests`): it is dropped and its sender is not added'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from help" -f -a "list" -d 'List contacts'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show a contact: fingerprint, safety number, verified or not, routes'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from help" -f -a "verify" -d 'Mark a contact verified after comparing safety numbers'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Remove a contact (their messages stay)'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from help" -f -a "routes" -d 'Show the routes used for a contact, or set which of their card\'s routes to use and in what order (no URL after `--reset` means: back to the card\'s list)'
complete -c hushpost -n "__fish_hushpost_using_subcommand contact; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hushpost -n "__fish_hushpost_using_subcommand account; and not __fish_seen_subcommand_from add show test remove help" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand account; and not __fish_seen_subcommand_from add show test remove help" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand account; and not __fish_seen_subcommand_from add show test remove help" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand account; and not __fish_seen_subcommand_from add show test remove help" -s h -l help -d 'Print help'
complete -c hushpost -n "__fish_hushpost_using_subcommand account; and not __fish_seen_subcommand_from add show test remove help" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand account; and not __fish_seen_subcommand_from add show test remove help" -f -a "add" -d 'Write the [account] section (replacing any), then optionally log in to both servers'
complete -c hushpost -n "__fish_hushpost_using_subcommand account; and not __fish_seen_subcommand_from add show test remove help" -f -a "show" -d 'Show the [account] section'
complete -c hushpost -n "__fish_hushpost_using_subcommand account; and not __fish_seen_subcommand_from add show test remove help" -f -a "test" -d 'Log in to both servers (and open the folder) to check the settings and password'
complete -c hushpost -n "__fish_hushpost_using_subcommand account; and not __fish_seen_subcommand_from add show test remove help" -f -a "remove" -d 'Remove the [account] section'
complete -c hushpost -n "__fish_hushpost_using_subcommand account; and not __fish_seen_subcommand_from add show test remove help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hushpost -n "__fish_hushpost_using_subcommand account; and __fish_seen_subcommand_from add" -l address -d 'Your e-mail address (the From of your hushpost mails; add it as a route with `hushpost route add mailto:ADDRESS` to receive on it)' -r
complete -c hushpost -n "__fish_hushpost_using_subcommand account; and __fish_seen_subcommand_from add" -l smtp -d 'SMTP submission server, HOST[:PORT] (default port 465, implicit TLS)' -r
complete -c hushpost -n "__fish_hushpost_using_subcommand account; and __fish_seen_subcommand_from add" -l imap -d 'IMAP server, HOST[:PORT] (default port 993, implicit TLS)' -r
complete -c hushpost -n "__fish_hushpost_using_subcommand account; and __fish_seen_subcommand_from add" -l user -d 'Login on both servers (default: the address)' -r
complete -c hushpost -n "__fish_hushpost_using_subcommand account; and __fish_seen_subcommand_from add" -l password-command -d 'Command that prints the password, e.g. "pass show mail/me"' -r
complete -c hushpost -n "__fish_hushpost_using_subcommand account; and __fish_seen_subcommand_from add" -l smtp-tls -d 'SMTP TLS mode (default: implicit on port 465, STARTTLS elsewhere)' -r -f -a "implicit\t'TLS from the first byte'
starttls\t'STARTTLS, which must succeed'"
complete -c hushpost -n "__fish_hushpost_using_subcommand account; and __fish_seen_subcommand_from add" -l imap-tls -d 'IMAP TLS mode (default: implicit on port 993, STARTTLS elsewhere)' -r -f -a "implicit\t'TLS from the first byte'
starttls\t'STARTTLS, which must succeed'"
complete -c hushpost -n "__fish_hushpost_using_subcommand account; and __fish_seen_subcommand_from add" -l folder -d 'IMAP folder to fetch from' -r
complete -c hushpost -n "__fish_hushpost_using_subcommand account; and __fish_seen_subcommand_from add" -l move-to -d 'Move fetched hushpost mails to this (existing) folder instead of deleting them' -r
complete -c hushpost -n "__fish_hushpost_using_subcommand account; and __fish_seen_subcommand_from add" -l ca-file -d 'Extra CA certificate (PEM) to trust, e.g. a self-hosted server\'s' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand account; and __fish_seen_subcommand_from add" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand account; and __fish_seen_subcommand_from add" -l password-stdin -d 'Read the password from the first line of stdin and keep it in the encrypted keyring (without this or --password-command, a terminal prompts for it)'
complete -c hushpost -n "__fish_hushpost_using_subcommand account; and __fish_seen_subcommand_from add" -l allow-plaintext-loopback -d 'Talk in the clear to a server on this machine that offers no TLS (test servers only; refused for any other host)'
complete -c hushpost -n "__fish_hushpost_using_subcommand account; and __fish_seen_subcommand_from add" -l test -d 'Log in to both servers after saving'
complete -c hushpost -n "__fish_hushpost_using_subcommand account; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand account; and __fish_seen_subcommand_from add" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand account; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hushpost -n "__fish_hushpost_using_subcommand account; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand account; and __fish_seen_subcommand_from show" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand account; and __fish_seen_subcommand_from show" -l json -d 'Machine-readable output'
complete -c hushpost -n "__fish_hushpost_using_subcommand account; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand account; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand account; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c hushpost -n "__fish_hushpost_using_subcommand account; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand account; and __fish_seen_subcommand_from test" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand account; and __fish_seen_subcommand_from test" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand account; and __fish_seen_subcommand_from test" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand account; and __fish_seen_subcommand_from test" -s h -l help -d 'Print help'
complete -c hushpost -n "__fish_hushpost_using_subcommand account; and __fish_seen_subcommand_from test" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand account; and __fish_seen_subcommand_from remove" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand account; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand account; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand account; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c hushpost -n "__fish_hushpost_using_subcommand account; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand account; and __fish_seen_subcommand_from help" -f -a "add" -d 'Write the [account] section (replacing any), then optionally log in to both servers'
complete -c hushpost -n "__fish_hushpost_using_subcommand account; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show the [account] section'
complete -c hushpost -n "__fish_hushpost_using_subcommand account; and __fish_seen_subcommand_from help" -f -a "test" -d 'Log in to both servers (and open the folder) to check the settings and password'
complete -c hushpost -n "__fish_hushpost_using_subcommand account; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Remove the [account] section'
complete -c hushpost -n "__fish_hushpost_using_subcommand account; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hushpost -n "__fish_hushpost_using_subcommand send" -l to -d 'A recipient (repeatable)' -r
complete -c hushpost -n "__fish_hushpost_using_subcommand send" -s s -l subject -d 'Subject line' -r
complete -c hushpost -n "__fish_hushpost_using_subcommand send" -s a -l attach -d 'Attach a file (repeatable)' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand send" -l via -d 'The network mode for this message: `tor` (only through the Tor proxy) or `direct`, overriding the contact\'s and config.toml\'s. (A route kind here, as in `--via ssh`, still works but is deprecated: use --route.)' -r -f -a "tor\t''
direct\t''"
complete -c hushpost -n "__fish_hushpost_using_subcommand send" -l route -d 'Only use the contact\'s routes of this kind' -r -f -a "dir\t''
ssh\t''
https\t''
mailto\t''"
complete -c hushpost -n "__fish_hushpost_using_subcommand send" -l expire -d 'Ask the recipient\'s client to delete the message after this long (e.g. 2h, 7d). A courtesy their client honours, not something you can enforce' -r
complete -c hushpost -n "__fish_hushpost_using_subcommand send" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand send" -l burn-after-reading -d 'Ask the recipient\'s client to delete the message once read. A courtesy their client honours, not something you can enforce'
complete -c hushpost -n "__fish_hushpost_using_subcommand send" -l now -d 'On a route with cover traffic, send at once instead of waiting for the next `hushpost poll` slot. This reveals the moment of sending to anyone watching'
complete -c hushpost -n "__fish_hushpost_using_subcommand send" -l fallback -d 'If a recipient\'s first route fails, try their next ones (normally only where `contact fallback NAME on` allows it: the route order is a privacy order)'
complete -c hushpost -n "__fish_hushpost_using_subcommand send" -l json -d 'Machine-readable report'
complete -c hushpost -n "__fish_hushpost_using_subcommand send" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand send" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand send" -s h -l help -d 'Print help'
complete -c hushpost -n "__fish_hushpost_using_subcommand send" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand reply" -s s -l subject -d 'Subject (default: "Re: " + the original\'s)' -r
complete -c hushpost -n "__fish_hushpost_using_subcommand reply" -s a -l attach -d 'Attach a file (repeatable)' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand reply" -l via -d 'The network mode for this message: `tor` (only through the Tor proxy) or `direct`, overriding the contact\'s and config.toml\'s. (A route kind here, as in `--via ssh`, still works but is deprecated: use --route.)' -r -f -a "tor\t''
direct\t''"
complete -c hushpost -n "__fish_hushpost_using_subcommand reply" -l route -d 'Only use the contact\'s routes of this kind' -r -f -a "dir\t''
ssh\t''
https\t''
mailto\t''"
complete -c hushpost -n "__fish_hushpost_using_subcommand reply" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand reply" -l all -d 'Reply to everyone the message went to (who is also your contact)'
complete -c hushpost -n "__fish_hushpost_using_subcommand reply" -l now -d 'On a route with cover traffic, send at once instead of waiting for the next `hushpost poll` slot. This reveals the moment of sending to anyone watching'
complete -c hushpost -n "__fish_hushpost_using_subcommand reply" -l fallback -d 'If a recipient\'s first route fails, try their next ones (normally only where `contact fallback NAME on` allows it: the route order is a privacy order)'
complete -c hushpost -n "__fish_hushpost_using_subcommand reply" -l json -d 'Machine-readable report'
complete -c hushpost -n "__fish_hushpost_using_subcommand reply" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand reply" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand reply" -s h -l help -d 'Print help'
complete -c hushpost -n "__fish_hushpost_using_subcommand reply" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand fetch" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand fetch" -l json -d 'Machine-readable report'
complete -c hushpost -n "__fish_hushpost_using_subcommand fetch" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand fetch" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand fetch" -s h -l help -d 'Print help'
complete -c hushpost -n "__fish_hushpost_using_subcommand fetch" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand poll" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand poll" -l daemon -d 'Keep running, with randomized (Poisson) intervals between ticks'
complete -c hushpost -n "__fish_hushpost_using_subcommand poll" -l json -d 'Machine-readable report'
complete -c hushpost -n "__fish_hushpost_using_subcommand poll" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand poll" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand poll" -s h -l help -d 'Print help'
complete -c hushpost -n "__fish_hushpost_using_subcommand poll" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand outbox; and not __fish_seen_subcommand_from list retry drop help" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand outbox; and not __fish_seen_subcommand_from list retry drop help" -l json -d 'Machine-readable output'
complete -c hushpost -n "__fish_hushpost_using_subcommand outbox; and not __fish_seen_subcommand_from list retry drop help" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand outbox; and not __fish_seen_subcommand_from list retry drop help" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand outbox; and not __fish_seen_subcommand_from list retry drop help" -s h -l help -d 'Print help'
complete -c hushpost -n "__fish_hushpost_using_subcommand outbox; and not __fish_seen_subcommand_from list retry drop help" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand outbox; and not __fish_seen_subcommand_from list retry drop help" -f -a "list" -d 'List what is waiting (the default)'
complete -c hushpost -n "__fish_hushpost_using_subcommand outbox; and not __fish_seen_subcommand_from list retry drop help" -f -a "retry" -d 'Send delivery ID now — or every delivery kept after a failure — whatever the backoff. On a route with cover traffic this sends outside its regular slots, which reveals the moment'
complete -c hushpost -n "__fish_hushpost_using_subcommand outbox; and not __fish_seen_subcommand_from list retry drop help" -f -a "drop" -d 'Give up on delivery ID: its blobs leave the outbox (what already reached the drop stays there until the recipient fetches or it expires)'
complete -c hushpost -n "__fish_hushpost_using_subcommand outbox; and not __fish_seen_subcommand_from list retry drop help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hushpost -n "__fish_hushpost_using_subcommand outbox; and __fish_seen_subcommand_from list" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand outbox; and __fish_seen_subcommand_from list" -l json -d 'Machine-readable output'
complete -c hushpost -n "__fish_hushpost_using_subcommand outbox; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand outbox; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand outbox; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c hushpost -n "__fish_hushpost_using_subcommand outbox; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand outbox; and __fish_seen_subcommand_from retry" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand outbox; and __fish_seen_subcommand_from retry" -l json -d 'Machine-readable output'
complete -c hushpost -n "__fish_hushpost_using_subcommand outbox; and __fish_seen_subcommand_from retry" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand outbox; and __fish_seen_subcommand_from retry" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand outbox; and __fish_seen_subcommand_from retry" -s h -l help -d 'Print help'
complete -c hushpost -n "__fish_hushpost_using_subcommand outbox; and __fish_seen_subcommand_from retry" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand outbox; and __fish_seen_subcommand_from drop" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand outbox; and __fish_seen_subcommand_from drop" -l json -d 'Machine-readable output'
complete -c hushpost -n "__fish_hushpost_using_subcommand outbox; and __fish_seen_subcommand_from drop" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand outbox; and __fish_seen_subcommand_from drop" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand outbox; and __fish_seen_subcommand_from drop" -s h -l help -d 'Print help'
complete -c hushpost -n "__fish_hushpost_using_subcommand outbox; and __fish_seen_subcommand_from drop" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand outbox; and __fish_seen_subcommand_from help" -f -a "list" -d 'List what is waiting (the default)'
complete -c hushpost -n "__fish_hushpost_using_subcommand outbox; and __fish_seen_subcommand_from help" -f -a "retry" -d 'Send delivery ID now — or every delivery kept after a failure — whatever the backoff. On a route with cover traffic this sends outside its regular slots, which reveals the moment'
complete -c hushpost -n "__fish_hushpost_using_subcommand outbox; and __fish_seen_subcommand_from help" -f -a "drop" -d 'Give up on delivery ID: its blobs leave the outbox (what already reached the drop stays there until the recipient fetches or it expires)'
complete -c hushpost -n "__fish_hushpost_using_subcommand outbox; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hushpost -n "__fish_hushpost_using_subcommand quarantine; and not __fish_seen_subcommand_from list release drop help" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand quarantine; and not __fish_seen_subcommand_from list release drop help" -l json -d 'Machine-readable output'
complete -c hushpost -n "__fish_hushpost_using_subcommand quarantine; and not __fish_seen_subcommand_from list release drop help" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand quarantine; and not __fish_seen_subcommand_from list release drop help" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand quarantine; and not __fish_seen_subcommand_from list release drop help" -s h -l help -d 'Print help'
complete -c hushpost -n "__fish_hushpost_using_subcommand quarantine; and not __fish_seen_subcommand_from list release drop help" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand quarantine; and not __fish_seen_subcommand_from list release drop help" -f -a "list" -d 'List what is kept aside (the default)'
complete -c hushpost -n "__fish_hushpost_using_subcommand quarantine; and not __fish_seen_subcommand_from list release drop help" -f -a "release" -d 'Open blob ID whatever its date and store it like fetched mail'
complete -c hushpost -n "__fish_hushpost_using_subcommand quarantine; and not __fish_seen_subcommand_from list release drop help" -f -a "drop" -d 'Forget blob ID'
complete -c hushpost -n "__fish_hushpost_using_subcommand quarantine; and not __fish_seen_subcommand_from list release drop help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hushpost -n "__fish_hushpost_using_subcommand quarantine; and __fish_seen_subcommand_from list" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand quarantine; and __fish_seen_subcommand_from list" -l json -d 'Machine-readable output'
complete -c hushpost -n "__fish_hushpost_using_subcommand quarantine; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand quarantine; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand quarantine; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c hushpost -n "__fish_hushpost_using_subcommand quarantine; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand quarantine; and __fish_seen_subcommand_from release" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand quarantine; and __fish_seen_subcommand_from release" -l json -d 'Machine-readable output'
complete -c hushpost -n "__fish_hushpost_using_subcommand quarantine; and __fish_seen_subcommand_from release" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand quarantine; and __fish_seen_subcommand_from release" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand quarantine; and __fish_seen_subcommand_from release" -s h -l help -d 'Print help'
complete -c hushpost -n "__fish_hushpost_using_subcommand quarantine; and __fish_seen_subcommand_from release" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand quarantine; and __fish_seen_subcommand_from drop" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand quarantine; and __fish_seen_subcommand_from drop" -l json -d 'Machine-readable output'
complete -c hushpost -n "__fish_hushpost_using_subcommand quarantine; and __fish_seen_subcommand_from drop" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand quarantine; and __fish_seen_subcommand_from drop" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand quarantine; and __fish_seen_subcommand_from drop" -s h -l help -d 'Print help'
complete -c hushpost -n "__fish_hushpost_using_subcommand quarantine; and __fish_seen_subcommand_from drop" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand quarantine; and __fish_seen_subcommand_from help" -f -a "list" -d 'List what is kept aside (the default)'
complete -c hushpost -n "__fish_hushpost_using_subcommand quarantine; and __fish_seen_subcommand_from help" -f -a "release" -d 'Open blob ID whatever its date and store it like fetched mail'
complete -c hushpost -n "__fish_hushpost_using_subcommand quarantine; and __fish_seen_subcommand_from help" -f -a "drop" -d 'Forget blob ID'
complete -c hushpost -n "__fish_hushpost_using_subcommand quarantine; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hushpost -n "__fish_hushpost_using_subcommand leaks" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand leaks" -l json -d 'Machine-readable output'
complete -c hushpost -n "__fish_hushpost_using_subcommand leaks" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand leaks" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand leaks" -s h -l help -d 'Print help'
complete -c hushpost -n "__fish_hushpost_using_subcommand leaks" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand doctor" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand doctor" -l json -d 'Machine-readable output'
complete -c hushpost -n "__fish_hushpost_using_subcommand doctor" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand doctor" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand doctor" -s h -l help -d 'Print help'
complete -c hushpost -n "__fish_hushpost_using_subcommand doctor" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand list" -s n -l limit -d 'At most this many' -r
complete -c hushpost -n "__fish_hushpost_using_subcommand list" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand list" -l json -d 'Machine-readable output: an array of {id, from, subject, date, unread, thread, …}'
complete -c hushpost -n "__fish_hushpost_using_subcommand list" -l unread -d 'Only unread messages'
complete -c hushpost -n "__fish_hushpost_using_subcommand list" -l sent -d 'Show sent mail instead of received'
complete -c hushpost -n "__fish_hushpost_using_subcommand list" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand list" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand list" -s h -l help -d 'Print help'
complete -c hushpost -n "__fish_hushpost_using_subcommand list" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand read" -l save-attachments -d 'Save attachments into this folder (created if missing) under their file names, made safe: no directories, control or bidi characters or leading dots, at most 200 bytes; never over an existing file or through a link (a taken name gets a number)' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand read" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand read" -l raw -d 'Print the RFC 5322 message (for piping into other mail tools), with headers that name the verified sender'
complete -c hushpost -n "__fish_hushpost_using_subcommand read" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand read" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand read" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hushpost -n "__fish_hushpost_using_subcommand read" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand delete" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand delete" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand delete" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand delete" -s h -l help -d 'Print help'
complete -c hushpost -n "__fish_hushpost_using_subcommand delete" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand search" -s n -l limit -d 'At most this many' -r
complete -c hushpost -n "__fish_hushpost_using_subcommand search" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand search" -l json -d 'Machine-readable output'
complete -c hushpost -n "__fish_hushpost_using_subcommand search" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand search" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand search" -s h -l help -d 'Print help'
complete -c hushpost -n "__fish_hushpost_using_subcommand search" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand export" -l maildir -d 'The Maildir to write (created if missing)' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand export" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand export" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand export" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand export" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hushpost -n "__fish_hushpost_using_subcommand export" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand sendmail" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand sendmail" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand sendmail" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand sendmail" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hushpost -n "__fish_hushpost_using_subcommand sendmail" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand completions" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand completions" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand completions" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand completions" -s h -l help -d 'Print help'
complete -c hushpost -n "__fish_hushpost_using_subcommand completions" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand relay; and not __fish_seen_subcommand_from serve migrate help" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand relay; and not __fish_seen_subcommand_from serve migrate help" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand relay; and not __fish_seen_subcommand_from serve migrate help" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand relay; and not __fish_seen_subcommand_from serve migrate help" -s h -l help -d 'Print help'
complete -c hushpost -n "__fish_hushpost_using_subcommand relay; and not __fish_seen_subcommand_from serve migrate help" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand relay; and not __fish_seen_subcommand_from serve migrate help" -f -a "serve" -d 'Serve until SIGTERM or SIGINT (then finish requests in flight and exit)'
complete -c hushpost -n "__fish_hushpost_using_subcommand relay; and not __fish_seen_subcommand_from serve migrate help" -f -a "migrate" -d 'Copy a relay\'s blobs from its segment store (--data DIR) into PostgreSQL'
complete -c hushpost -n "__fish_hushpost_using_subcommand relay; and not __fish_seen_subcommand_from serve migrate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hushpost -n "__fish_hushpost_using_subcommand relay; and __fish_seen_subcommand_from serve" -l listen -d 'Address to listen on, e.g. 0.0.0.0:8443 or [::]:443 (port 0 picks a free port)' -r
complete -c hushpost -n "__fish_hushpost_using_subcommand relay; and __fish_seen_subcommand_from serve" -l data -d 'Data directory: blobs, and the self-signed certificate. Created 0700. With --store, only the certificate (nodes of one route may share the directory)' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand relay; and __fish_seen_subcommand_from serve" -l store -d 'Keep blobs in PostgreSQL instead of segment files under --data: postgres://USER@HOST:PORT/DB. Several relay nodes may share one database' -r
complete -c hushpost -n "__fish_hushpost_using_subcommand relay; and __fish_seen_subcommand_from serve" -l tls-cert -d 'PEM certificate chain (leaf first)' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand relay; and __fish_seen_subcommand_from serve" -l tls-key -d 'PEM private key for --tls-cert' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand relay; and __fish_seen_subcommand_from serve" -l tag-quota -d 'Unread blobs one tag may hold; more are refused (retryable), never evicted' -r
complete -c hushpost -n "__fish_hushpost_using_subcommand relay; and __fish_seen_subcommand_from serve" -l tag-max-bytes -d 'Bytes of unread blobs one tag may hold; more are refused (retryable), never evicted' -r
complete -c hushpost -n "__fish_hushpost_using_subcommand relay; and __fish_seen_subcommand_from serve" -l retention -d 'How long an unread blob is kept before it is deleted' -r
complete -c hushpost -n "__fish_hushpost_using_subcommand relay; and __fish_seen_subcommand_from serve" -l pow-difficulty -d 'Proof-of-work bits asked of intro posts; it rises by itself under load, up to 26' -r
complete -c hushpost -n "__fish_hushpost_using_subcommand relay; and __fish_seen_subcommand_from serve" -l max-store-size -d 'Refuse puts (retryable, HTTP 507) once the stored blobs take this much (e.g. 50G)' -r
complete -c hushpost -n "__fish_hushpost_using_subcommand relay; and __fish_seen_subcommand_from serve" -l min-free-space -d 'Refuse puts (retryable, HTTP 507) while the disk has less free space than this' -r
complete -c hushpost -n "__fish_hushpost_using_subcommand relay; and __fish_seen_subcommand_from serve" -l max-connections -d 'Most open connections; more are closed at once (0: as the file-descriptor limit, raised to its hard value at start, allows)' -r
complete -c hushpost -n "__fish_hushpost_using_subcommand relay; and __fish_seen_subcommand_from serve" -l rate-per-connection -d 'Requests per second one connection may make (bursts of twice that); 0 = no limit' -r
complete -c hushpost -n "__fish_hushpost_using_subcommand relay; and __fish_seen_subcommand_from serve" -l rate-global -d 'Requests per second the relay takes in all (bursts of twice that); 0 = no limit' -r
complete -c hushpost -n "__fish_hushpost_using_subcommand relay; and __fish_seen_subcommand_from serve" -l put-pow-difficulty -d 'Proof-of-work bits every PUT needs while the relay is busy (connections at half the cap, or the relay\'s rate exceeded in the last 10 s)' -r
complete -c hushpost -n "__fish_hushpost_using_subcommand relay; and __fish_seen_subcommand_from serve" -l lanes -d 'Writer lanes: parallel group commits (each has its own segment file)' -r
complete -c hushpost -n "__fish_hushpost_using_subcommand relay; and __fish_seen_subcommand_from serve" -l segment-size -d 'Segment file size at which a lane starts a new one' -r
complete -c hushpost -n "__fish_hushpost_using_subcommand relay; and __fish_seen_subcommand_from serve" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand relay; and __fish_seen_subcommand_from serve" -l tls-self-signed -d 'Make a self-signed certificate on first start (kept in DIR/tls/) and print its pin'
complete -c hushpost -n "__fish_hushpost_using_subcommand relay; and __fish_seen_subcommand_from serve" -l plain-http -d 'Plain HTTP, only on a loopback address: behind a Tor onion service (see below) or a TLS-terminating proxy on the same machine'
complete -c hushpost -n "__fish_hushpost_using_subcommand relay; and __fish_seen_subcommand_from serve" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand relay; and __fish_seen_subcommand_from serve" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand relay; and __fish_seen_subcommand_from serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hushpost -n "__fish_hushpost_using_subcommand relay; and __fish_seen_subcommand_from serve" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand relay; and __fish_seen_subcommand_from migrate" -l from -d 'The relay\'s data directory (as given to `relay serve --data`); the relay must be stopped' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand relay; and __fish_seen_subcommand_from migrate" -l to -d 'The PostgreSQL store, postgres://USER@HOST:PORT/DB' -r
complete -c hushpost -n "__fish_hushpost_using_subcommand relay; and __fish_seen_subcommand_from migrate" -l retention -d 'The retention the relay runs with: older blobs are not copied' -r
complete -c hushpost -n "__fish_hushpost_using_subcommand relay; and __fish_seen_subcommand_from migrate" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand relay; and __fish_seen_subcommand_from migrate" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand relay; and __fish_seen_subcommand_from migrate" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand relay; and __fish_seen_subcommand_from migrate" -s h -l help -d 'Print help'
complete -c hushpost -n "__fish_hushpost_using_subcommand relay; and __fish_seen_subcommand_from migrate" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand relay; and __fish_seen_subcommand_from help" -f -a "serve" -d 'Serve until SIGTERM or SIGINT (then finish requests in flight and exit)'
complete -c hushpost -n "__fish_hushpost_using_subcommand relay; and __fish_seen_subcommand_from help" -f -a "migrate" -d 'Copy a relay\'s blobs from its segment store (--data DIR) into PostgreSQL'
complete -c hushpost -n "__fish_hushpost_using_subcommand relay; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hushpost -n "__fish_hushpost_using_subcommand tui" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand tui" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand tui" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand tui" -s h -l help -d 'Print help'
complete -c hushpost -n "__fish_hushpost_using_subcommand tui" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand gen-docs" -l out -d 'The folder that holds man/ and completions/ (the repository root)' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand gen-docs" -l passphrase-file -d 'Read the keyring passphrase from this file instead of prompting' -r -F
complete -c hushpost -n "__fish_hushpost_using_subcommand gen-docs" -s q -l quiet -d 'Only print errors'
complete -c hushpost -n "__fish_hushpost_using_subcommand gen-docs" -s v -l verbose -d 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses'
complete -c hushpost -n "__fish_hushpost_using_subcommand gen-docs" -s h -l help -d 'Print help'
complete -c hushpost -n "__fish_hushpost_using_subcommand gen-docs" -s V -l version -d 'Print version'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and not __fish_seen_subcommand_from init id unlock lock agent key route contact account send reply fetch poll outbox quarantine leaks doctor list read delete search export sendmail completions relay tui gen-docs help" -f -a "init" -d 'Create your identity (keys, a local drop, the mail store)'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and not __fish_seen_subcommand_from init id unlock lock agent key route contact account send reply fetch poll outbox quarantine leaks doctor list read delete search export sendmail completions relay tui gen-docs help" -f -a "id" -d 'Show your name, fingerprint and routes, whether the keyring is unlocked, or your card'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and not __fish_seen_subcommand_from init id unlock lock agent key route contact account send reply fetch poll outbox quarantine leaks doctor list read delete search export sendmail completions relay tui gen-docs help" -f -a "unlock" -d 'Unlock the keyring once: an agent keeps it in memory until `lock` or the idle timeout'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and not __fish_seen_subcommand_from init id unlock lock agent key route contact account send reply fetch poll outbox quarantine leaks doctor list read delete search export sendmail completions relay tui gen-docs help" -f -a "lock" -d 'Lock the keyring now: the agent forgets it'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and not __fish_seen_subcommand_from init id unlock lock agent key route contact account send reply fetch poll outbox quarantine leaks doctor list read delete search export sendmail completions relay tui gen-docs help" -f -a "agent" -d 'Run the agent in the foreground (for a systemd user unit); `unlock` starts one itself'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and not __fish_seen_subcommand_from init id unlock lock agent key route contact account send reply fetch poll outbox quarantine leaks doctor list read delete search export sendmail completions relay tui gen-docs help" -f -a "key" -d 'Export keys'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and not __fish_seen_subcommand_from init id unlock lock agent key route contact account send reply fetch poll outbox quarantine leaks doctor list read delete search export sendmail completions relay tui gen-docs help" -f -a "route" -d 'Manage your own receive routes (they appear in your card)'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and not __fish_seen_subcommand_from init id unlock lock agent key route contact account send reply fetch poll outbox quarantine leaks doctor list read delete search export sendmail completions relay tui gen-docs help" -f -a "contact" -d 'Add, verify and configure contacts'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and not __fish_seen_subcommand_from init id unlock lock agent key route contact account send reply fetch poll outbox quarantine leaks doctor list read delete search export sendmail completions relay tui gen-docs help" -f -a "account" -d 'Configure the e-mail account that mailto: routes use (SMTP out, IMAP in)'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and not __fish_seen_subcommand_from init id unlock lock agent key route contact account send reply fetch poll outbox quarantine leaks doctor list read delete search export sendmail completions relay tui gen-docs help" -f -a "send" -d 'Send a message (body from stdin, or $EDITOR on a terminal)'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and not __fish_seen_subcommand_from init id unlock lock agent key route contact account send reply fetch poll outbox quarantine leaks doctor list read delete search export sendmail completions relay tui gen-docs help" -f -a "reply" -d 'Reply to a message'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and not __fish_seen_subcommand_from init id unlock lock agent key route contact account send reply fetch poll outbox quarantine leaks doctor list read delete search export sendmail completions relay tui gen-docs help" -f -a "fetch" -d 'Fetch new mail from all your routes'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and not __fish_seen_subcommand_from init id unlock lock agent key route contact account send reply fetch poll outbox quarantine leaks doctor list read delete search export sendmail completions relay tui gen-docs help" -f -a "poll" -d 'One tick of the unattended scheduler (cron), or --daemon: queued sends, cover traffic, fetch'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and not __fish_seen_subcommand_from init id unlock lock agent key route contact account send reply fetch poll outbox quarantine leaks doctor list read delete search export sendmail completions relay tui gen-docs help" -f -a "outbox" -d 'What has not left yet and why; retry or drop it'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and not __fish_seen_subcommand_from init id unlock lock agent key route contact account send reply fetch poll outbox quarantine leaks doctor list read delete search export sendmail completions relay tui gen-docs help" -f -a "quarantine" -d 'Blobs kept aside because their date was outside the window; release or drop them'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and not __fish_seen_subcommand_from init id unlock lock agent key route contact account send reply fetch poll outbox quarantine leaks doctor list read delete search export sendmail completions relay tui gen-docs help" -f -a "leaks" -d 'What each route lets the drop operator, the network and the contact observe'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and not __fish_seen_subcommand_from init id unlock lock agent key route contact account send reply fetch poll outbox quarantine leaks doctor list read delete search export sendmail completions relay tui gen-docs help" -f -a "doctor" -d 'Check that the Tor proxy and your routes answer'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and not __fish_seen_subcommand_from init id unlock lock agent key route contact account send reply fetch poll outbox quarantine leaks doctor list read delete search export sendmail completions relay tui gen-docs help" -f -a "list" -d 'List messages, newest first'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and not __fish_seen_subcommand_from init id unlock lock agent key route contact account send reply fetch poll outbox quarantine leaks doctor list read delete search export sendmail completions relay tui gen-docs help" -f -a "read" -d 'Show a message'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and not __fish_seen_subcommand_from init id unlock lock agent key route contact account send reply fetch poll outbox quarantine leaks doctor list read delete search export sendmail completions relay tui gen-docs help" -f -a "delete" -d 'Delete a message from the local store'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and not __fish_seen_subcommand_from init id unlock lock agent key route contact account send reply fetch poll outbox quarantine leaks doctor list read delete search export sendmail completions relay tui gen-docs help" -f -a "search" -d 'Full-text search over subject, body and sender'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and not __fish_seen_subcommand_from init id unlock lock agent key route contact account send reply fetch poll outbox quarantine leaks doctor list read delete search export sendmail completions relay tui gen-docs help" -f -a "export" -d 'Export all mail as a Maildir (for notmuch, mutt, aerc)'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and not __fish_seen_subcommand_from init id unlock lock agent key route contact account send reply fetch poll outbox quarantine leaks doctor list read delete search export sendmail completions relay tui gen-docs help" -f -a "sendmail" -d 'Send a message a mail client wrote (sendmail/msmtp compatible: neomutt, aerc, git send-email)'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and not __fish_seen_subcommand_from init id unlock lock agent key route contact account send reply fetch poll outbox quarantine leaks doctor list read delete search export sendmail completions relay tui gen-docs help" -f -a "completions" -d 'Print shell completions'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and not __fish_seen_subcommand_from init id unlock lock agent key route contact account send reply fetch poll outbox quarantine leaks doctor list read delete search export sendmail completions relay tui gen-docs help" -f -a "relay" -d 'Run a relay: an HTTPS dead drop for anyone\'s sealed blobs (see `relay serve --help`)'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and not __fish_seen_subcommand_from init id unlock lock agent key route contact account send reply fetch poll outbox quarantine leaks doctor list read delete search export sendmail completions relay tui gen-docs help" -f -a "tui" -d 'Open the inbox'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and not __fish_seen_subcommand_from init id unlock lock agent key route contact account send reply fetch poll outbox quarantine leaks doctor list read delete search export sendmail completions relay tui gen-docs help" -f -a "gen-docs" -d 'Write man pages and completions (for packagers and the drift check)'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and not __fish_seen_subcommand_from init id unlock lock agent key route contact account send reply fetch poll outbox quarantine leaks doctor list read delete search export sendmail completions relay tui gen-docs help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and __fish_seen_subcommand_from id" -f -a "card" -d 'Print your one-line contact card (give it only to people who may write to you: it lets them post to you)'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and __fish_seen_subcommand_from key" -f -a "export" -d 'Print your receiving keys as an age identity file, so `age -d -i FILE` can open blobs sealed to you: the post-quantum (ML-KEM-768 + X25519) keys as `AGE-SECRET-KEY-PQ-1…` lines (age 1.3 and newer, rage, npm age-encryption) and the X25519 keys as `AGE-SECRET-KEY-1…`. Anyone holding this output can read your mail: keep it offline'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and __fish_seen_subcommand_from route" -f -a "add" -d 'Add a route: dir:/absolute/path (folder, USB stick, share), ssh://USER@HOST[:PORT]/PATH#hostkey=SHA256:…, https://HOST[:PORT]#pin=sha256:… (relay), mailto:ADDRESS'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and __fish_seen_subcommand_from route" -f -a "list" -d 'List your routes in order'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and __fish_seen_subcommand_from route" -f -a "remove" -d 'Remove a route'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and __fish_seen_subcommand_from route" -f -a "ssh-setup" -d 'Print how to turn an OpenSSH server you administer into an SSH drop: a fresh drop key, the commands to run as root, the sshd_config block, the route to add and the [ssh] settings for config.toml. Senders log in with the drop key and can only create files; you fetch with your own key. Changes nothing, here or on the server'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and __fish_seen_subcommand_from contact" -f -a "add" -d 'Add a contact from their card (`-` reads the card from stdin)'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and __fish_seen_subcommand_from contact" -f -a "via" -d 'How to reach this contact\'s network routes: `tor` (only ever through the Tor proxy, never directly — not on a proxy failure, not for DNS), `direct`, or `default` (the `[network] via` of config.toml). Onion routes and routes whose owner asked for Tor always use Tor'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and __fish_seen_subcommand_from contact" -f -a "fallback" -d 'Whether a later route of this contact may take mail their first route could not (`on`), or mail waits in the outbox for the first route (`off`, the default: the order of their routes is a privacy order, and falling back silently would override it). `send --fallback` allows it for one message'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and __fish_seen_subcommand_from contact" -f -a "requests" -d 'Contact requests received (someone holding your card introduced themselves)'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and __fish_seen_subcommand_from contact" -f -a "accept" -d 'Accept contact request N (from `contact requests`) under your NAME for them'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and __fish_seen_subcommand_from contact" -f -a "reject" -d 'Reject contact request N (from `contact requests`): it is dropped and its sender is not added'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and __fish_seen_subcommand_from contact" -f -a "list" -d 'List contacts'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and __fish_seen_subcommand_from contact" -f -a "show" -d 'Show a contact: fingerprint, safety number, verified or not, routes'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and __fish_seen_subcommand_from contact" -f -a "verify" -d 'Mark a contact verified after comparing safety numbers'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and __fish_seen_subcommand_from contact" -f -a "remove" -d 'Remove a contact (their messages stay)'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and __fish_seen_subcommand_from contact" -f -a "routes" -d 'Show the routes used for a contact, or set which of their card\'s routes to use and in what order (no URL after `--reset` means: back to the card\'s list)'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and __fish_seen_subcommand_from account" -f -a "add" -d 'Write the [account] section (replacing any), then optionally log in to both servers'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and __fish_seen_subcommand_from account" -f -a "show" -d 'Show the [account] section'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and __fish_seen_subcommand_from account" -f -a "test" -d 'Log in to both servers (and open the folder) to check the settings and password'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and __fish_seen_subcommand_from account" -f -a "remove" -d 'Remove the [account] section'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and __fish_seen_subcommand_from outbox" -f -a "list" -d 'List what is waiting (the default)'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and __fish_seen_subcommand_from outbox" -f -a "retry" -d 'Send delivery ID now — or every delivery kept after a failure — whatever the backoff. On a route with cover traffic this sends outside its regular slots, which reveals the moment'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and __fish_seen_subcommand_from outbox" -f -a "drop" -d 'Give up on delivery ID: its blobs leave the outbox (what already reached the drop stays there until the recipient fetches or it expires)'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and __fish_seen_subcommand_from quarantine" -f -a "list" -d 'List what is kept aside (the default)'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and __fish_seen_subcommand_from quarantine" -f -a "release" -d 'Open blob ID whatever its date and store it like fetched mail'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and __fish_seen_subcommand_from quarantine" -f -a "drop" -d 'Forget blob ID'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and __fish_seen_subcommand_from relay" -f -a "serve" -d 'Serve until SIGTERM or SIGINT (then finish requests in flight and exit)'
complete -c hushpost -n "__fish_hushpost_using_subcommand help; and __fish_seen_subcommand_from relay" -f -a "migrate" -d 'Copy a relay\'s blobs from its segment store (--data DIR) into PostgreSQL'
