complete --keep-order --exclusive --command hushpost --arguments "(HUSHPOST_COMPLETE=fish hushpost -- (commandline --current-process --tokenize --cut-at-cursor) (commandline --current-token))"
