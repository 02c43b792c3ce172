
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'hushpost' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'hushpost'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'hushpost' {
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create your identity (keys, a local drop, the mail store)')
            [CompletionResult]::new('id', 'id', [CompletionResultType]::ParameterValue, 'Show your name, fingerprint and routes, whether the keyring is unlocked, or your card')
            [CompletionResult]::new('unlock', 'unlock', [CompletionResultType]::ParameterValue, 'Unlock the keyring once: an agent keeps it in memory until `lock` or the idle timeout')
            [CompletionResult]::new('lock', 'lock', [CompletionResultType]::ParameterValue, 'Lock the keyring now: the agent forgets it')
            [CompletionResult]::new('agent', 'agent', [CompletionResultType]::ParameterValue, 'Run the agent in the foreground (for a systemd user unit); `unlock` starts one itself')
            [CompletionResult]::new('key', 'key', [CompletionResultType]::ParameterValue, 'Export keys')
            [CompletionResult]::new('route', 'route', [CompletionResultType]::ParameterValue, 'Manage your own receive routes (they appear in your card)')
            [CompletionResult]::new('contact', 'contact', [CompletionResultType]::ParameterValue, 'Add, verify and configure contacts')
            [CompletionResult]::new('account', 'account', [CompletionResultType]::ParameterValue, 'Configure the e-mail account that mailto: routes use (SMTP out, IMAP in)')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Send a message (body from stdin, or $EDITOR on a terminal)')
            [CompletionResult]::new('reply', 'reply', [CompletionResultType]::ParameterValue, 'Reply to a message')
            [CompletionResult]::new('fetch', 'fetch', [CompletionResultType]::ParameterValue, 'Fetch new mail from all your routes')
            [CompletionResult]::new('poll', 'poll', [CompletionResultType]::ParameterValue, 'One tick of the unattended scheduler (cron), or --daemon: queued sends, cover traffic, fetch')
            [CompletionResult]::new('outbox', 'outbox', [CompletionResultType]::ParameterValue, 'What has not left yet and why; retry or drop it')
            [CompletionResult]::new('quarantine', 'quarantine', [CompletionResultType]::ParameterValue, 'Blobs kept aside because their date was outside the window; release or drop them')
            [CompletionResult]::new('leaks', 'leaks', [CompletionResultType]::ParameterValue, 'What each route lets the drop operator, the network and the contact observe')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check that the Tor proxy and your routes answer')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List messages, newest first')
            [CompletionResult]::new('read', 'read', [CompletionResultType]::ParameterValue, 'Show a message')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a message from the local store')
            [CompletionResult]::new('search', 'search', [CompletionResultType]::ParameterValue, 'Full-text search over subject, body and sender')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Export all mail as a Maildir (for notmuch, mutt, aerc)')
            [CompletionResult]::new('sendmail', 'sendmail', [CompletionResultType]::ParameterValue, 'Send a message a mail client wrote (sendmail/msmtp compatible: neomutt, aerc, git send-email)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions')
            [CompletionResult]::new('relay', 'relay', [CompletionResultType]::ParameterValue, 'Run a relay: an HTTPS dead drop for anyone''s sealed blobs (see `relay serve --help`)')
            [CompletionResult]::new('tui', 'tui', [CompletionResultType]::ParameterValue, 'Open the inbox')
            [CompletionResult]::new('gen-docs', 'gen-docs', [CompletionResultType]::ParameterValue, 'Write man pages and completions (for packagers and the drift check)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hushpost;init' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Your display name, as your contacts will see it')
            [CompletionResult]::new('--route', '--route', [CompletionResultType]::ParameterName, 'A receive route (repeatable): dir:/abs/path, ssh://…, https://…, mailto:…')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('--no-passphrase', '--no-passphrase', [CompletionResultType]::ParameterName, 'Store the keys without a passphrase (explicit opt-out)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hushpost;id' {
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('card', 'card', [CompletionResultType]::ParameterValue, 'Print your one-line contact card (give it only to people who may write to you: it lets them post to you)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hushpost;id;card' {
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('--qr', '--qr', [CompletionResultType]::ParameterName, 'Also render it as a QR code for the terminal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hushpost;id;help' {
            [CompletionResult]::new('card', 'card', [CompletionResultType]::ParameterValue, 'Print your one-line contact card (give it only to people who may write to you: it lets them post to you)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hushpost;id;help;card' {
            break
        }
        'hushpost;id;help;help' {
            break
        }
        'hushpost;unlock' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Lock after this long without use (e.g. 30m, 2h; 0 = only on `hushpost lock`)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hushpost;lock' {
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hushpost;agent' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Default idle timeout (e.g. 30m; 0 = only on `hushpost lock`); else `[agent] timeout`')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('--detached', '--detached', [CompletionResultType]::ParameterName, 'Started by `unlock`: the socket is stdin; exit once locked')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hushpost;key' {
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Print your receiving keys as an age identity file, so `age -d -i FILE` can open blobs sealed to you: the post-quantum (ML-KEM-768 + X25519) keys as `AGE-SECRET-KEY-PQ-1…` lines (age 1.3 and newer, rage, npm age-encryption) and the X25519 keys as `AGE-SECRET-KEY-1…`. Anyone holding this output can read your mail: keep it offline')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hushpost;key;export' {
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('--age', '--age', [CompletionResultType]::ParameterName, 'Age identity file format (the only format so far)')
            [CompletionResult]::new('--classical-only', '--classical-only', [CompletionResultType]::ParameterName, 'Only the X25519 keys: for age before 1.3 (Debian''s Go age 1.1), which refuses a file with a post-quantum line. It opens only mail sealed classically')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hushpost;key;help' {
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Print your receiving keys as an age identity file, so `age -d -i FILE` can open blobs sealed to you: the post-quantum (ML-KEM-768 + X25519) keys as `AGE-SECRET-KEY-PQ-1…` lines (age 1.3 and newer, rage, npm age-encryption) and the X25519 keys as `AGE-SECRET-KEY-1…`. Anyone holding this output can read your mail: keep it offline')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hushpost;key;help;export' {
            break
        }
        'hushpost;key;help;help' {
            break
        }
        'hushpost;route' {
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a route: dir:/absolute/path (folder, USB stick, share), ssh://USER@HOST[:PORT]/PATH#hostkey=SHA256:…, https://HOST[:PORT]#pin=sha256:… (relay), mailto:ADDRESS')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List your routes in order')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a route')
            [CompletionResult]::new('ssh-setup', 'ssh-setup', [CompletionResultType]::ParameterValue, 'Print how to turn an OpenSSH server you administer into an SSH drop: a fresh drop key, the commands to run as root, the sshd_config block, the route to add and the [ssh] settings for config.toml. Senders log in with the drop key and can only create files; you fetch with your own key. Changes nothing, here or on the server')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hushpost;route;add' {
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hushpost;route;list' {
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hushpost;route;remove' {
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hushpost;route;ssh-setup' {
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Host name or address that senders dial')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'SSH port')
            [CompletionResult]::new('--host-key', '--host-key', [CompletionResultType]::ParameterName, 'The server''s host key to pin: SHA256:… (ssh-keygen -lf on the server) or its .pub file')
            [CompletionResult]::new('--owner-key', '--owner-key', [CompletionResultType]::ParameterName, 'Your public key (the owner''s), for fetching. Default: the .pub beside [ssh] key_file')
            [CompletionResult]::new('--drop-user', '--drop-user', [CompletionResultType]::ParameterName, 'Account that senders log in as (created by the printed commands)')
            [CompletionResult]::new('--owner-user', '--owner-user', [CompletionResultType]::ParameterName, 'Account that you fetch as (created by the printed commands)')
            [CompletionResult]::new('--chroot', '--chroot', [CompletionResultType]::ParameterName, 'Chroot of both accounts (it and every directory above it must be root-owned)')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Name of the drop directory inside the chroot')
            [CompletionResult]::new('--keys-dir', '--keys-dir', [CompletionResultType]::ParameterName, 'Root-owned directory for the two accounts'' authorized_keys files')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hushpost;route;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a route: dir:/absolute/path (folder, USB stick, share), ssh://USER@HOST[:PORT]/PATH#hostkey=SHA256:…, https://HOST[:PORT]#pin=sha256:… (relay), mailto:ADDRESS')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List your routes in order')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a route')
            [CompletionResult]::new('ssh-setup', 'ssh-setup', [CompletionResultType]::ParameterValue, 'Print how to turn an OpenSSH server you administer into an SSH drop: a fresh drop key, the commands to run as root, the sshd_config block, the route to add and the [ssh] settings for config.toml. Senders log in with the drop key and can only create files; you fetch with your own key. Changes nothing, here or on the server')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hushpost;route;help;add' {
            break
        }
        'hushpost;route;help;list' {
            break
        }
        'hushpost;route;help;remove' {
            break
        }
        'hushpost;route;help;ssh-setup' {
            break
        }
        'hushpost;route;help;help' {
            break
        }
        'hushpost;contact' {
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a contact from their card (`-` reads the card from stdin)')
            [CompletionResult]::new('via', 'via', [CompletionResultType]::ParameterValue, 'How to reach this contact''s network routes: `tor` (only ever through the Tor proxy, never directly — not on a proxy failure, not for DNS), `direct`, or `default` (the `[network] via` of config.toml). Onion routes and routes whose owner asked for Tor always use Tor')
            [CompletionResult]::new('fallback', 'fallback', [CompletionResultType]::ParameterValue, 'Whether a later route of this contact may take mail their first route could not (`on`), or mail waits in the outbox for the first route (`off`, the default: the order of their routes is a privacy order, and falling back silently would override it). `send --fallback` allows it for one message')
            [CompletionResult]::new('requests', 'requests', [CompletionResultType]::ParameterValue, 'Contact requests received (someone holding your card introduced themselves)')
            [CompletionResult]::new('accept', 'accept', [CompletionResultType]::ParameterValue, 'Accept contact request N (from `contact requests`) under your NAME for them')
            [CompletionResult]::new('reject', 'reject', [CompletionResultType]::ParameterValue, 'Reject contact request N (from `contact requests`): it is dropped and its sender is not added')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List contacts')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show a contact: fingerprint, safety number, verified or not, routes')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Mark a contact verified after comparing safety numbers')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a contact (their messages stay)')
            [CompletionResult]::new('routes', 'routes', [CompletionResultType]::ParameterValue, 'Show the routes used for a contact, or set which of their card''s routes to use and in what order (no URL after `--reset` means: back to the card''s list)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hushpost;contact;add' {
            [CompletionResult]::new('--note', '--note', [CompletionResultType]::ParameterName, 'A note for the contact request')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('--introduce', '--introduce', [CompletionResultType]::ParameterName, 'Also send them a contact request (your card, through their card''s intro mailbox) so they can add you without meeting again')
            [CompletionResult]::new('--allow-local', '--allow-local', [CompletionResultType]::ParameterName, 'Also use the card''s routes that point at local places: folders, and loopback or private addresses. Without it they are listed but not used (a card must not be able to make your client write into your folders or knock on your own ports); `contact routes NAME ROUTE…` enables them one by one')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hushpost;contact;via' {
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hushpost;contact;fallback' {
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hushpost;contact;requests' {
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hushpost;contact;accept' {
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('--allow-local', '--allow-local', [CompletionResultType]::ParameterName, 'Also use the card''s routes that point at local places (as `contact add --allow-local`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hushpost;contact;reject' {
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hushpost;contact;list' {
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hushpost;contact;show' {
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hushpost;contact;verify' {
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hushpost;contact;remove' {
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hushpost;contact;routes' {
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('--reset', '--reset', [CompletionResultType]::ParameterName, 'Use all of the card''s routes in the card''s order again')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hushpost;contact;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a contact from their card (`-` reads the card from stdin)')
            [CompletionResult]::new('via', 'via', [CompletionResultType]::ParameterValue, 'How to reach this contact''s network routes: `tor` (only ever through the Tor proxy, never directly — not on a proxy failure, not for DNS), `direct`, or `default` (the `[network] via` of config.toml). Onion routes and routes whose owner asked for Tor always use Tor')
            [CompletionResult]::new('fallback', 'fallback', [CompletionResultType]::ParameterValue, 'Whether a later route of this contact may take mail their first route could not (`on`), or mail waits in the outbox for the first route (`off`, the default: the order of their routes is a privacy order, and falling back silently would override it). `send --fallback` allows it for one message')
            [CompletionResult]::new('requests', 'requests', [CompletionResultType]::ParameterValue, 'Contact requests received (someone holding your card introduced themselves)')
            [CompletionResult]::new('accept', 'accept', [CompletionResultType]::ParameterValue, 'Accept contact request N (from `contact requests`) under your NAME for them')
            [CompletionResult]::new('reject', 'reject', [CompletionResultType]::ParameterValue, 'Reject contact request N (from `contact requests`): it is dropped and its sender is not added')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List contacts')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show a contact: fingerprint, safety number, verified or not, routes')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Mark a contact verified after comparing safety numbers')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a contact (their messages stay)')
            [CompletionResult]::new('routes', 'routes', [CompletionResultType]::ParameterValue, 'Show the routes used for a contact, or set which of their card''s routes to use and in what order (no URL after `--reset` means: back to the card''s list)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hushpost;contact;help;add' {
            break
        }
        'hushpost;contact;help;via' {
            break
        }
        'hushpost;contact;help;fallback' {
            break
        }
        'hushpost;contact;help;requests' {
            break
        }
        'hushpost;contact;help;accept' {
            break
        }
        'hushpost;contact;help;reject' {
            break
        }
        'hushpost;contact;help;list' {
            break
        }
        'hushpost;contact;help;show' {
            break
        }
        'hushpost;contact;help;verify' {
            break
        }
        'hushpost;contact;help;remove' {
            break
        }
        'hushpost;contact;help;routes' {
            break
        }
        'hushpost;contact;help;help' {
            break
        }
        'hushpost;account' {
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Write the [account] section (replacing any), then optionally log in to both servers')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show the [account] section')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Log in to both servers (and open the folder) to check the settings and password')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove the [account] section')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hushpost;account;add' {
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'Your e-mail address (the From of your hushpost mails; add it as a route with `hushpost route add mailto:ADDRESS` to receive on it)')
            [CompletionResult]::new('--smtp', '--smtp', [CompletionResultType]::ParameterName, 'SMTP submission server, HOST[:PORT] (default port 465, implicit TLS)')
            [CompletionResult]::new('--imap', '--imap', [CompletionResultType]::ParameterName, 'IMAP server, HOST[:PORT] (default port 993, implicit TLS)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Login on both servers (default: the address)')
            [CompletionResult]::new('--password-command', '--password-command', [CompletionResultType]::ParameterName, 'Command that prints the password, e.g. "pass show mail/me"')
            [CompletionResult]::new('--smtp-tls', '--smtp-tls', [CompletionResultType]::ParameterName, 'SMTP TLS mode (default: implicit on port 465, STARTTLS elsewhere)')
            [CompletionResult]::new('--imap-tls', '--imap-tls', [CompletionResultType]::ParameterName, 'IMAP TLS mode (default: implicit on port 993, STARTTLS elsewhere)')
            [CompletionResult]::new('--folder', '--folder', [CompletionResultType]::ParameterName, 'IMAP folder to fetch from')
            [CompletionResult]::new('--move-to', '--move-to', [CompletionResultType]::ParameterName, 'Move fetched hushpost mails to this (existing) folder instead of deleting them')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust, e.g. a self-hosted server''s')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from the first line of stdin and keep it in the encrypted keyring (without this or --password-command, a terminal prompts for it)')
            [CompletionResult]::new('--allow-plaintext-loopback', '--allow-plaintext-loopback', [CompletionResultType]::ParameterName, 'Talk in the clear to a server on this machine that offers no TLS (test servers only; refused for any other host)')
            [CompletionResult]::new('--test', '--test', [CompletionResultType]::ParameterName, 'Log in to both servers after saving')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hushpost;account;show' {
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hushpost;account;test' {
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hushpost;account;remove' {
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hushpost;account;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Write the [account] section (replacing any), then optionally log in to both servers')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show the [account] section')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Log in to both servers (and open the folder) to check the settings and password')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove the [account] section')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hushpost;account;help;add' {
            break
        }
        'hushpost;account;help;show' {
            break
        }
        'hushpost;account;help;test' {
            break
        }
        'hushpost;account;help;remove' {
            break
        }
        'hushpost;account;help;help' {
            break
        }
        'hushpost;send' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'A recipient (repeatable)')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Subject line')
            [CompletionResult]::new('--subject', '--subject', [CompletionResultType]::ParameterName, 'Subject line')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Attach a file (repeatable)')
            [CompletionResult]::new('--attach', '--attach', [CompletionResultType]::ParameterName, 'Attach a file (repeatable)')
            [CompletionResult]::new('--via', '--via', [CompletionResultType]::ParameterName, 'The network mode for this message: `tor` (only through the Tor proxy) or `direct`, overriding the contact''s and config.toml''s. (A route kind here, as in `--via ssh`, still works but is deprecated: use --route.)')
            [CompletionResult]::new('--route', '--route', [CompletionResultType]::ParameterName, 'Only use the contact''s routes of this kind')
            [CompletionResult]::new('--expire', '--expire', [CompletionResultType]::ParameterName, 'Ask the recipient''s client to delete the message after this long (e.g. 2h, 7d). A courtesy their client honours, not something you can enforce')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('--burn-after-reading', '--burn-after-reading', [CompletionResultType]::ParameterName, 'Ask the recipient''s client to delete the message once read. A courtesy their client honours, not something you can enforce')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'On a route with cover traffic, send at once instead of waiting for the next `hushpost poll` slot. This reveals the moment of sending to anyone watching')
            [CompletionResult]::new('--fallback', '--fallback', [CompletionResultType]::ParameterName, 'If a recipient''s first route fails, try their next ones (normally only where `contact fallback NAME on` allows it: the route order is a privacy order)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable report')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hushpost;reply' {
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Subject (default: "Re: " + the original''s)')
            [CompletionResult]::new('--subject', '--subject', [CompletionResultType]::ParameterName, 'Subject (default: "Re: " + the original''s)')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Attach a file (repeatable)')
            [CompletionResult]::new('--attach', '--attach', [CompletionResultType]::ParameterName, 'Attach a file (repeatable)')
            [CompletionResult]::new('--via', '--via', [CompletionResultType]::ParameterName, 'The network mode for this message: `tor` (only through the Tor proxy) or `direct`, overriding the contact''s and config.toml''s. (A route kind here, as in `--via ssh`, still works but is deprecated: use --route.)')
            [CompletionResult]::new('--route', '--route', [CompletionResultType]::ParameterName, 'Only use the contact''s routes of this kind')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Reply to everyone the message went to (who is also your contact)')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'On a route with cover traffic, send at once instead of waiting for the next `hushpost poll` slot. This reveals the moment of sending to anyone watching')
            [CompletionResult]::new('--fallback', '--fallback', [CompletionResultType]::ParameterName, 'If a recipient''s first route fails, try their next ones (normally only where `contact fallback NAME on` allows it: the route order is a privacy order)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable report')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hushpost;fetch' {
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable report')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hushpost;poll' {
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('--daemon', '--daemon', [CompletionResultType]::ParameterName, 'Keep running, with randomized (Poisson) intervals between ticks')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable report')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hushpost;outbox' {
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List what is waiting (the default)')
            [CompletionResult]::new('retry', 'retry', [CompletionResultType]::ParameterValue, 'Send delivery ID now — or every delivery kept after a failure — whatever the backoff. On a route with cover traffic this sends outside its regular slots, which reveals the moment')
            [CompletionResult]::new('drop', 'drop', [CompletionResultType]::ParameterValue, 'Give up on delivery ID: its blobs leave the outbox (what already reached the drop stays there until the recipient fetches or it expires)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hushpost;outbox;list' {
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hushpost;outbox;retry' {
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hushpost;outbox;drop' {
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hushpost;outbox;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List what is waiting (the default)')
            [CompletionResult]::new('retry', 'retry', [CompletionResultType]::ParameterValue, 'Send delivery ID now — or every delivery kept after a failure — whatever the backoff. On a route with cover traffic this sends outside its regular slots, which reveals the moment')
            [CompletionResult]::new('drop', 'drop', [CompletionResultType]::ParameterValue, 'Give up on delivery ID: its blobs leave the outbox (what already reached the drop stays there until the recipient fetches or it expires)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hushpost;outbox;help;list' {
            break
        }
        'hushpost;outbox;help;retry' {
            break
        }
        'hushpost;outbox;help;drop' {
            break
        }
        'hushpost;outbox;help;help' {
            break
        }
        'hushpost;quarantine' {
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List what is kept aside (the default)')
            [CompletionResult]::new('release', 'release', [CompletionResultType]::ParameterValue, 'Open blob ID whatever its date and store it like fetched mail')
            [CompletionResult]::new('drop', 'drop', [CompletionResultType]::ParameterValue, 'Forget blob ID')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hushpost;quarantine;list' {
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hushpost;quarantine;release' {
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hushpost;quarantine;drop' {
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hushpost;quarantine;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List what is kept aside (the default)')
            [CompletionResult]::new('release', 'release', [CompletionResultType]::ParameterValue, 'Open blob ID whatever its date and store it like fetched mail')
            [CompletionResult]::new('drop', 'drop', [CompletionResultType]::ParameterValue, 'Forget blob ID')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hushpost;quarantine;help;list' {
            break
        }
        'hushpost;quarantine;help;release' {
            break
        }
        'hushpost;quarantine;help;drop' {
            break
        }
        'hushpost;quarantine;help;help' {
            break
        }
        'hushpost;leaks' {
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hushpost;doctor' {
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hushpost;list' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'At most this many')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most this many')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: an array of {id, from, subject, date, unread, thread, …}')
            [CompletionResult]::new('--unread', '--unread', [CompletionResultType]::ParameterName, 'Only unread messages')
            [CompletionResult]::new('--sent', '--sent', [CompletionResultType]::ParameterName, 'Show sent mail instead of received')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hushpost;read' {
            [CompletionResult]::new('--save-attachments', '--save-attachments', [CompletionResultType]::ParameterName, 'Save attachments into this folder (created if missing) under their file names, made safe: no directories, control or bidi characters or leading dots, at most 200 bytes; never over an existing file or through a link (a taken name gets a number)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('--raw', '--raw', [CompletionResultType]::ParameterName, 'Print the RFC 5322 message (for piping into other mail tools), with headers that name the verified sender')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hushpost;delete' {
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hushpost;search' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'At most this many')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most this many')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hushpost;export' {
            [CompletionResult]::new('--maildir', '--maildir', [CompletionResultType]::ParameterName, 'The Maildir to write (created if missing)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hushpost;sendmail' {
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hushpost;completions' {
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hushpost;relay' {
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve until SIGTERM or SIGINT (then finish requests in flight and exit)')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Copy a relay''s blobs from its segment store (--data DIR) into PostgreSQL')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hushpost;relay;serve' {
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Address to listen on, e.g. 0.0.0.0:8443 or [::]:443 (port 0 picks a free port)')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Data directory: blobs, and the self-signed certificate. Created 0700. With --store, only the certificate (nodes of one route may share the directory)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Keep blobs in PostgreSQL instead of segment files under --data: postgres://USER@HOST:PORT/DB. Several relay nodes may share one database')
            [CompletionResult]::new('--tls-cert', '--tls-cert', [CompletionResultType]::ParameterName, 'PEM certificate chain (leaf first)')
            [CompletionResult]::new('--tls-key', '--tls-key', [CompletionResultType]::ParameterName, 'PEM private key for --tls-cert')
            [CompletionResult]::new('--tag-quota', '--tag-quota', [CompletionResultType]::ParameterName, 'Unread blobs one tag may hold; more are refused (retryable), never evicted')
            [CompletionResult]::new('--tag-max-bytes', '--tag-max-bytes', [CompletionResultType]::ParameterName, 'Bytes of unread blobs one tag may hold; more are refused (retryable), never evicted')
            [CompletionResult]::new('--retention', '--retention', [CompletionResultType]::ParameterName, 'How long an unread blob is kept before it is deleted')
            [CompletionResult]::new('--pow-difficulty', '--pow-difficulty', [CompletionResultType]::ParameterName, 'Proof-of-work bits asked of intro posts; it rises by itself under load, up to 26')
            [CompletionResult]::new('--max-store-size', '--max-store-size', [CompletionResultType]::ParameterName, 'Refuse puts (retryable, HTTP 507) once the stored blobs take this much (e.g. 50G)')
            [CompletionResult]::new('--min-free-space', '--min-free-space', [CompletionResultType]::ParameterName, 'Refuse puts (retryable, HTTP 507) while the disk has less free space than this')
            [CompletionResult]::new('--max-connections', '--max-connections', [CompletionResultType]::ParameterName, 'Most open connections; more are closed at once (0: as the file-descriptor limit, raised to its hard value at start, allows)')
            [CompletionResult]::new('--rate-per-connection', '--rate-per-connection', [CompletionResultType]::ParameterName, 'Requests per second one connection may make (bursts of twice that); 0 = no limit')
            [CompletionResult]::new('--rate-global', '--rate-global', [CompletionResultType]::ParameterName, 'Requests per second the relay takes in all (bursts of twice that); 0 = no limit')
            [CompletionResult]::new('--put-pow-difficulty', '--put-pow-difficulty', [CompletionResultType]::ParameterName, 'Proof-of-work bits every PUT needs while the relay is busy (connections at half the cap, or the relay''s rate exceeded in the last 10 s)')
            [CompletionResult]::new('--lanes', '--lanes', [CompletionResultType]::ParameterName, 'Writer lanes: parallel group commits (each has its own segment file)')
            [CompletionResult]::new('--segment-size', '--segment-size', [CompletionResultType]::ParameterName, 'Segment file size at which a lane starts a new one')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('--tls-self-signed', '--tls-self-signed', [CompletionResultType]::ParameterName, 'Make a self-signed certificate on first start (kept in DIR/tls/) and print its pin')
            [CompletionResult]::new('--plain-http', '--plain-http', [CompletionResultType]::ParameterName, 'Plain HTTP, only on a loopback address: behind a Tor onion service (see below) or a TLS-terminating proxy on the same machine')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hushpost;relay;migrate' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'The relay''s data directory (as given to `relay serve --data`); the relay must be stopped')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'The PostgreSQL store, postgres://USER@HOST:PORT/DB')
            [CompletionResult]::new('--retention', '--retention', [CompletionResultType]::ParameterName, 'The retention the relay runs with: older blobs are not copied')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hushpost;relay;help' {
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve until SIGTERM or SIGINT (then finish requests in flight and exit)')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Copy a relay''s blobs from its segment store (--data DIR) into PostgreSQL')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hushpost;relay;help;serve' {
            break
        }
        'hushpost;relay;help;migrate' {
            break
        }
        'hushpost;relay;help;help' {
            break
        }
        'hushpost;tui' {
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hushpost;gen-docs' {
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'The folder that holds man/ and completions/ (the repository root)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for debug); never shows secrets, tags or addresses')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hushpost;help' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create your identity (keys, a local drop, the mail store)')
            [CompletionResult]::new('id', 'id', [CompletionResultType]::ParameterValue, 'Show your name, fingerprint and routes, whether the keyring is unlocked, or your card')
            [CompletionResult]::new('unlock', 'unlock', [CompletionResultType]::ParameterValue, 'Unlock the keyring once: an agent keeps it in memory until `lock` or the idle timeout')
            [CompletionResult]::new('lock', 'lock', [CompletionResultType]::ParameterValue, 'Lock the keyring now: the agent forgets it')
            [CompletionResult]::new('agent', 'agent', [CompletionResultType]::ParameterValue, 'Run the agent in the foreground (for a systemd user unit); `unlock` starts one itself')
            [CompletionResult]::new('key', 'key', [CompletionResultType]::ParameterValue, 'Export keys')
            [CompletionResult]::new('route', 'route', [CompletionResultType]::ParameterValue, 'Manage your own receive routes (they appear in your card)')
            [CompletionResult]::new('contact', 'contact', [CompletionResultType]::ParameterValue, 'Add, verify and configure contacts')
            [CompletionResult]::new('account', 'account', [CompletionResultType]::ParameterValue, 'Configure the e-mail account that mailto: routes use (SMTP out, IMAP in)')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Send a message (body from stdin, or $EDITOR on a terminal)')
            [CompletionResult]::new('reply', 'reply', [CompletionResultType]::ParameterValue, 'Reply to a message')
            [CompletionResult]::new('fetch', 'fetch', [CompletionResultType]::ParameterValue, 'Fetch new mail from all your routes')
            [CompletionResult]::new('poll', 'poll', [CompletionResultType]::ParameterValue, 'One tick of the unattended scheduler (cron), or --daemon: queued sends, cover traffic, fetch')
            [CompletionResult]::new('outbox', 'outbox', [CompletionResultType]::ParameterValue, 'What has not left yet and why; retry or drop it')
            [CompletionResult]::new('quarantine', 'quarantine', [CompletionResultType]::ParameterValue, 'Blobs kept aside because their date was outside the window; release or drop them')
            [CompletionResult]::new('leaks', 'leaks', [CompletionResultType]::ParameterValue, 'What each route lets the drop operator, the network and the contact observe')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check that the Tor proxy and your routes answer')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List messages, newest first')
            [CompletionResult]::new('read', 'read', [CompletionResultType]::ParameterValue, 'Show a message')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a message from the local store')
            [CompletionResult]::new('search', 'search', [CompletionResultType]::ParameterValue, 'Full-text search over subject, body and sender')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Export all mail as a Maildir (for notmuch, mutt, aerc)')
            [CompletionResult]::new('sendmail', 'sendmail', [CompletionResultType]::ParameterValue, 'Send a message a mail client wrote (sendmail/msmtp compatible: neomutt, aerc, git send-email)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions')
            [CompletionResult]::new('relay', 'relay', [CompletionResultType]::ParameterValue, 'Run a relay: an HTTPS dead drop for anyone''s sealed blobs (see `relay serve --help`)')
            [CompletionResult]::new('tui', 'tui', [CompletionResultType]::ParameterValue, 'Open the inbox')
            [CompletionResult]::new('gen-docs', 'gen-docs', [CompletionResultType]::ParameterValue, 'Write man pages and completions (for packagers and the drift check)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hushpost;help;init' {
            break
        }
        'hushpost;help;id' {
            [CompletionResult]::new('card', 'card', [CompletionResultType]::ParameterValue, 'Print your one-line contact card (give it only to people who may write to you: it lets them post to you)')
            break
        }
        'hushpost;help;id;card' {
            break
        }
        'hushpost;help;unlock' {
            break
        }
        'hushpost;help;lock' {
            break
        }
        'hushpost;help;agent' {
            break
        }
        'hushpost;help;key' {
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Print your receiving keys as an age identity file, so `age -d -i FILE` can open blobs sealed to you: the post-quantum (ML-KEM-768 + X25519) keys as `AGE-SECRET-KEY-PQ-1…` lines (age 1.3 and newer, rage, npm age-encryption) and the X25519 keys as `AGE-SECRET-KEY-1…`. Anyone holding this output can read your mail: keep it offline')
            break
        }
        'hushpost;help;key;export' {
            break
        }
        'hushpost;help;route' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a route: dir:/absolute/path (folder, USB stick, share), ssh://USER@HOST[:PORT]/PATH#hostkey=SHA256:…, https://HOST[:PORT]#pin=sha256:… (relay), mailto:ADDRESS')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List your routes in order')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a route')
            [CompletionResult]::new('ssh-setup', 'ssh-setup', [CompletionResultType]::ParameterValue, 'Print how to turn an OpenSSH server you administer into an SSH drop: a fresh drop key, the commands to run as root, the sshd_config block, the route to add and the [ssh] settings for config.toml. Senders log in with the drop key and can only create files; you fetch with your own key. Changes nothing, here or on the server')
            break
        }
        'hushpost;help;route;add' {
            break
        }
        'hushpost;help;route;list' {
            break
        }
        'hushpost;help;route;remove' {
            break
        }
        'hushpost;help;route;ssh-setup' {
            break
        }
        'hushpost;help;contact' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a contact from their card (`-` reads the card from stdin)')
            [CompletionResult]::new('via', 'via', [CompletionResultType]::ParameterValue, 'How to reach this contact''s network routes: `tor` (only ever through the Tor proxy, never directly — not on a proxy failure, not for DNS), `direct`, or `default` (the `[network] via` of config.toml). Onion routes and routes whose owner asked for Tor always use Tor')
            [CompletionResult]::new('fallback', 'fallback', [CompletionResultType]::ParameterValue, 'Whether a later route of this contact may take mail their first route could not (`on`), or mail waits in the outbox for the first route (`off`, the default: the order of their routes is a privacy order, and falling back silently would override it). `send --fallback` allows it for one message')
            [CompletionResult]::new('requests', 'requests', [CompletionResultType]::ParameterValue, 'Contact requests received (someone holding your card introduced themselves)')
            [CompletionResult]::new('accept', 'accept', [CompletionResultType]::ParameterValue, 'Accept contact request N (from `contact requests`) under your NAME for them')
            [CompletionResult]::new('reject', 'reject', [CompletionResultType]::ParameterValue, 'Reject contact request N (from `contact requests`): it is dropped and its sender is not added')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List contacts')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show a contact: fingerprint, safety number, verified or not, routes')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Mark a contact verified after comparing safety numbers')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a contact (their messages stay)')
            [CompletionResult]::new('routes', 'routes', [CompletionResultType]::ParameterValue, 'Show the routes used for a contact, or set which of their card''s routes to use and in what order (no URL after `--reset` means: back to the card''s list)')
            break
        }
        'hushpost;help;contact;add' {
            break
        }
        'hushpost;help;contact;via' {
            break
        }
        'hushpost;help;contact;fallback' {
            break
        }
        'hushpost;help;contact;requests' {
            break
        }
        'hushpost;help;contact;accept' {
            break
        }
        'hushpost;help;contact;reject' {
            break
        }
        'hushpost;help;contact;list' {
            break
        }
        'hushpost;help;contact;show' {
            break
        }
        'hushpost;help;contact;verify' {
            break
        }
        'hushpost;help;contact;remove' {
            break
        }
        'hushpost;help;contact;routes' {
            break
        }
        'hushpost;help;account' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Write the [account] section (replacing any), then optionally log in to both servers')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show the [account] section')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Log in to both servers (and open the folder) to check the settings and password')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove the [account] section')
            break
        }
        'hushpost;help;account;add' {
            break
        }
        'hushpost;help;account;show' {
            break
        }
        'hushpost;help;account;test' {
            break
        }
        'hushpost;help;account;remove' {
            break
        }
        'hushpost;help;send' {
            break
        }
        'hushpost;help;reply' {
            break
        }
        'hushpost;help;fetch' {
            break
        }
        'hushpost;help;poll' {
            break
        }
        'hushpost;help;outbox' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List what is waiting (the default)')
            [CompletionResult]::new('retry', 'retry', [CompletionResultType]::ParameterValue, 'Send delivery ID now — or every delivery kept after a failure — whatever the backoff. On a route with cover traffic this sends outside its regular slots, which reveals the moment')
            [CompletionResult]::new('drop', 'drop', [CompletionResultType]::ParameterValue, 'Give up on delivery ID: its blobs leave the outbox (what already reached the drop stays there until the recipient fetches or it expires)')
            break
        }
        'hushpost;help;outbox;list' {
            break
        }
        'hushpost;help;outbox;retry' {
            break
        }
        'hushpost;help;outbox;drop' {
            break
        }
        'hushpost;help;quarantine' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List what is kept aside (the default)')
            [CompletionResult]::new('release', 'release', [CompletionResultType]::ParameterValue, 'Open blob ID whatever its date and store it like fetched mail')
            [CompletionResult]::new('drop', 'drop', [CompletionResultType]::ParameterValue, 'Forget blob ID')
            break
        }
        'hushpost;help;quarantine;list' {
            break
        }
        'hushpost;help;quarantine;release' {
            break
        }
        'hushpost;help;quarantine;drop' {
            break
        }
        'hushpost;help;leaks' {
            break
        }
        'hushpost;help;doctor' {
            break
        }
        'hushpost;help;list' {
            break
        }
        'hushpost;help;read' {
            break
        }
        'hushpost;help;delete' {
            break
        }
        'hushpost;help;search' {
            break
        }
        'hushpost;help;export' {
            break
        }
        'hushpost;help;sendmail' {
            break
        }
        'hushpost;help;completions' {
            break
        }
        'hushpost;help;relay' {
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve until SIGTERM or SIGINT (then finish requests in flight and exit)')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Copy a relay''s blobs from its segment store (--data DIR) into PostgreSQL')
            break
        }
        'hushpost;help;relay;serve' {
            break
        }
        'hushpost;help;relay;migrate' {
            break
        }
        'hushpost;help;tui' {
            break
        }
        'hushpost;help;gen-docs' {
            break
        }
        'hushpost;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
