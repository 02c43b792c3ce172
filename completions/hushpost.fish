complete --keep-order --exclusive --command hushpost --arguments "(COMPLETE=fish hushpost -- (commandline --current-process --tokenize --cut-at-cursor) (commandline --current-token))"
