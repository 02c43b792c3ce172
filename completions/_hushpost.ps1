
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
            [CompletionResult]::new('id', 'id', [CompletionResultType]::ParameterValue, 'Show your name, fingerprint and routes, or your contact card')
            [CompletionResult]::new('key', 'key', [CompletionResultType]::ParameterValue, 'Export keys')
            [CompletionResult]::new('route', 'route', [CompletionResultType]::ParameterValue, 'Manage your own receive routes (they appear in your card)')
            [CompletionResult]::new('contact', 'contact', [CompletionResultType]::ParameterValue, 'Add, verify and configure contacts')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Send a message (body from stdin, or $EDITOR on a terminal)')
            [CompletionResult]::new('reply', 'reply', [CompletionResultType]::ParameterValue, 'Reply to a message')
            [CompletionResult]::new('fetch', 'fetch', [CompletionResultType]::ParameterValue, 'Fetch new mail from all your routes')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List messages, newest first')
            [CompletionResult]::new('read', 'read', [CompletionResultType]::ParameterValue, 'Show a message')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a message from the local store')
            [CompletionResult]::new('search', 'search', [CompletionResultType]::ParameterValue, 'Full-text search over subject, body and sender')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Export all mail as a Maildir (for notmuch, mutt, aerc)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions')
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
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Print your receiving X25519 keys as an age identity file, so `age -d -i FILE` can open blobs sealed to you. Anyone holding this output can read your mail: keep it offline')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hushpost;key;export' {
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('--age', '--age', [CompletionResultType]::ParameterName, 'Age identity file format (the only format so far)')
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
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Print your receiving X25519 keys as an age identity file, so `age -d -i FILE` can open blobs sealed to you. Anyone holding this output can read your mail: keep it offline')
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
        'hushpost;route;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a route: dir:/absolute/path (folder, USB stick, share), ssh://USER@HOST[:PORT]/PATH#hostkey=SHA256:…, https://HOST[:PORT]#pin=sha256:… (relay), mailto:ADDRESS')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List your routes in order')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a route')
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
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List contacts')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show a contact: fingerprint, safety number, verified or not, routes')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Mark a contact verified after comparing safety numbers')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a contact (their messages stay)')
            [CompletionResult]::new('routes', 'routes', [CompletionResultType]::ParameterValue, 'Show the routes used for a contact, or set which of their card''s routes to use and in what order (no URL after `--reset` means: back to the card''s list)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hushpost;contact;add' {
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
        'hushpost;send' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'A recipient (repeatable)')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Subject line')
            [CompletionResult]::new('--subject', '--subject', [CompletionResultType]::ParameterName, 'Subject line')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Attach a file (repeatable)')
            [CompletionResult]::new('--attach', '--attach', [CompletionResultType]::ParameterName, 'Attach a file (repeatable)')
            [CompletionResult]::new('--via', '--via', [CompletionResultType]::ParameterName, 'Only use routes of this kind (dir, ssh, https, mailto), or force how to dial (tor, direct)')
            [CompletionResult]::new('--expire', '--expire', [CompletionResultType]::ParameterName, 'Ask the recipient''s client to delete the message after this long (e.g. 2h, 7d). A courtesy their client honours, not something you can enforce')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('--burn-after-reading', '--burn-after-reading', [CompletionResultType]::ParameterName, 'Ask the recipient''s client to delete the message once read. A courtesy their client honours, not something you can enforce')
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
            [CompletionResult]::new('--via', '--via', [CompletionResultType]::ParameterName, 'Only use routes of this kind (dir, ssh, https, mailto), or tor / direct')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Reply to everyone the message went to (who is also your contact)')
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
            [CompletionResult]::new('--save-attachments', '--save-attachments', [CompletionResultType]::ParameterName, 'Save attachments into this folder under their original file names')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the keyring passphrase from this file instead of prompting')
            [CompletionResult]::new('--raw', '--raw', [CompletionResultType]::ParameterName, 'Print the RFC 5322 message as is (for piping into other mail tools)')
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
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
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
            [CompletionResult]::new('id', 'id', [CompletionResultType]::ParameterValue, 'Show your name, fingerprint and routes, or your contact card')
            [CompletionResult]::new('key', 'key', [CompletionResultType]::ParameterValue, 'Export keys')
            [CompletionResult]::new('route', 'route', [CompletionResultType]::ParameterValue, 'Manage your own receive routes (they appear in your card)')
            [CompletionResult]::new('contact', 'contact', [CompletionResultType]::ParameterValue, 'Add, verify and configure contacts')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Send a message (body from stdin, or $EDITOR on a terminal)')
            [CompletionResult]::new('reply', 'reply', [CompletionResultType]::ParameterValue, 'Reply to a message')
            [CompletionResult]::new('fetch', 'fetch', [CompletionResultType]::ParameterValue, 'Fetch new mail from all your routes')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List messages, newest first')
            [CompletionResult]::new('read', 'read', [CompletionResultType]::ParameterValue, 'Show a message')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a message from the local store')
            [CompletionResult]::new('search', 'search', [CompletionResultType]::ParameterValue, 'Full-text search over subject, body and sender')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Export all mail as a Maildir (for notmuch, mutt, aerc)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions')
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
        'hushpost;help;key' {
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Print your receiving X25519 keys as an age identity file, so `age -d -i FILE` can open blobs sealed to you. Anyone holding this output can read your mail: keep it offline')
            break
        }
        'hushpost;help;key;export' {
            break
        }
        'hushpost;help;route' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a route: dir:/absolute/path (folder, USB stick, share), ssh://USER@HOST[:PORT]/PATH#hostkey=SHA256:…, https://HOST[:PORT]#pin=sha256:… (relay), mailto:ADDRESS')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List your routes in order')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a route')
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
        'hushpost;help;contact' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a contact from their card (`-` reads the card from stdin)')
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
        'hushpost;help;send' {
            break
        }
        'hushpost;help;reply' {
            break
        }
        'hushpost;help;fetch' {
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
        'hushpost;help;completions' {
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
