# bash completion for eslabon: its commands, each command's options, the choices of an option that has
# them ({utilisation,copq,escaped}), and file names for everything else.
#
# The words come from the command's own help (`eslabon --help`, `eslabon COMMAND --help`: CLI11 for the
# C++ commands, argparse for graph, report and sensitivity), read once per shell and kept, so that the
# completion never falls out of step with the binary it completes. Installed by CMake (and pip) as
# share/bash-completion/completions/eslabon, which bash-completion loads on first use; or `source` it.

_eslabon_load() {  # keep the help text of `eslabon $1` ($1 empty: the top level), once per shell
    local exe
    [[ -n ${_eslabon_help_cache["top:$1"]+set} ]] && return
    exe=$(type -P -- "${COMP_WORDS[0]}" 2>/dev/null) || exe=${COMP_WORDS[0]}
    _eslabon_help_cache["top:$1"]=$("$exe" ${1:+"$1"} --help 2>/dev/null)
}

_eslabon_help() {  # the help text kept by _eslabon_load
    printf '%s\n' "${_eslabon_help_cache["top:$1"]}"
}

_eslabon_commands() {  # the names listed under "Subcommands:"
    _eslabon_help "" | awk '/^[^ ].*:$/ { section = $0; next } section == "Subcommands:" && /^  [a-z]/ { print $1 }'
}

_eslabon_options() {  # every option word of `eslabon $1`: -o --output --set ...
    local line synopsis word words
    while IFS= read -r line; do
        [[ $line =~ ^[[:space:]]+- ]] || continue
        synopsis=${line#"${line%%[![:space:]]*}"}
        synopsis=${synopsis%%  *}  # the option's part of the line ends at the first gap of two spaces
        read -ra words <<< "${synopsis//,/ }"
        for word in "${words[@]}"; do
            [[ $word =~ ^--?[[:alpha:]][-[:alnum:]_]*$ ]] && printf '%s\n' "$word"
        done
    done < <(_eslabon_help "$1")
}

_eslabon_choices() {  # the {a,b,c} of option $2 of `eslabon $1`, one a line
    local line synopsis
    while IFS= read -r line; do
        synopsis=${line#"${line%%[![:space:]]*}"}
        synopsis=${synopsis%%  *}
        if [[ " ${synopsis//,/ } " == *" $2 "* && $synopsis =~ \{([^}]*)\} ]]; then
            tr ',' '\n' <<< "${BASH_REMATCH[1]}"
            return
        fi
    done < <(_eslabon_help "$1")
}

_eslabon() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]} command="" i choices
    for ((i = 1; i < COMP_CWORD; i++)); do
        [[ ${COMP_WORDS[i]} == -* ]] || { command=${COMP_WORDS[i]}; break; }
    done
    _eslabon_load ""
    [[ -n $command ]] && _eslabon_load "$command"
    COMPREPLY=()
    if [[ -z $command && $cur != -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$(_eslabon_commands)" -- "$cur")
    elif [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$(_eslabon_options "$command")" -- "$cur")
    elif [[ $prev == -* ]] && choices=$(_eslabon_choices "$command" "$prev") && [[ -n $choices ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$choices" -- "$cur")
    else
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
    fi
}

declare -gA _eslabon_help_cache
complete -F _eslabon eslabon
