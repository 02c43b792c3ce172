
set edit:completion:arg-completer[hushpost] = { |@words|
    var index = (count $words)
    set index = (- $index 1)

    put (env _CLAP_IFS="\n" _CLAP_COMPLETE_INDEX=(to-string $index) HUSHPOST_COMPLETE="elvish" hushpost -- $@words) | to-lines
}

