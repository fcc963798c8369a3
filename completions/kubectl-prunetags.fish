# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_kubectl_prunetags_global_optspecs
    string join \n kubeconfig= context= cluster= user= n/namespace= A/all-namespaces l/selector= s/server= token= certificate-authority= client-certificate= client-key= tls-server-name= as= as-group= as-uid= request-timeout= color= o/output= no-headers v/v= insecure-skip-tls-verify demo h/help V/version
end

function __fish_kubectl_prunetags_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_kubectl_prunetags_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_kubectl_prunetags_using_subcommand
    set -l cmd (__fish_kubectl_prunetags_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_needs_command" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config; in a pod, the service account)' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_needs_command" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_needs_command" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_needs_command" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_needs_command" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_needs_command" -s l -l selector -d 'Label selector for image streams, e.g. application=myapp' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_needs_command" -s s -l server -d 'The API server\'s address, overriding the kubeconfig cluster\'s (as kubectl\'s --server)' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_needs_command" -l token -d 'Bearer <redacted> for authentication, instead of the kubeconfig user\'s credentials' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_needs_command" -l certificate-authority -d 'Path to a PEM file of the certificate authorities to trust for the server' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_needs_command" -l client-certificate -d 'Path to a client certificate file (PEM) for TLS' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_needs_command" -l client-key -d 'Path to the client certificate\'s key file (PEM) for TLS' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_needs_command" -l tls-server-name -d 'Server name to check the server\'s certificate against, when it differs from the host' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_needs_command" -l as -d 'Impersonate this user' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_needs_command" -l as-group -d 'Impersonate this group (repeat for several); needs --as' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_needs_command" -l as-uid -d 'Impersonate this UID; needs --as' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_needs_command" -l request-timeout -d 'How long to wait for one server request: 0 (no limit, but connecting gives up after 30s, as kubectl\'s does), 30s, 1m' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_needs_command" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_needs_command" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''
markdown\t'Markdown tables (`usage` only)'
html\t'One self-contained HTML page with SVG bars (`usage` only)'"
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_needs_command" -s v -l v -l loglevel -d 'Log level, as kubectl\'s -v=N: 6 logs each request (method, URL, status, time), 7 adds request headers, 8 response headers and bodies (truncated); credentials are masked. A bare -v is 6, -vv is 8' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_needs_command" -s A -l all-namespaces -d 'Across all namespaces'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_needs_command" -l no-headers -d 'Do not print the header row of tables (as kubectl\'s --no-headers)'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_needs_command" -l insecure-skip-tls-verify -d 'Do not check the server\'s certificate (insecure: prints a warning). Off by default'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_needs_command" -l demo -d 'Run against a fresh simulated cluster (three streams: myapp, frontend, python) instead of yours; its changes vanish when the command ends'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_needs_command" -s V -l version -d 'Print version'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_needs_command" -f -a "list" -d 'List image streams: one row per tag, or the revision history with --history'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_needs_command" -f -a "ls" -d 'List image streams: one row per tag, or the revision history with --history'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_needs_command" -f -a "describe" -d 'Print the revision history of every tag, like `oc describe is` (same as `list --history`)'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_needs_command" -f -a "prune" -d 'Delete old semver tags per image stream, keeping the newest N; shows the plan and asks first'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_needs_command" -f -a "usage" -d 'Registry space per image stream, tag and revision; layers shared between images count once'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_needs_command" -f -a "restore" -d 'Bring back tags a prune deleted, from its journal, while their images still exist'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_needs_command" -f -a "journal" -d 'The journals prune writes before deleting: list them, or show one'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_needs_command" -f -a "pin" -d 'Pin tags: prune never deletes them (the stream\'s prunetags.openshift.io/pinned annotation)'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_needs_command" -f -a "unpin" -d 'Unpin tags pinned with `pin`'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_needs_command" -f -a "policy" -d 'Show or set the retention policy annotations of image streams (see prune --policy)'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_needs_command" -f -a "report" -d 'Mail each namespace over a threshold its registry space, and a summary to the platform team'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_needs_command" -f -a "completion" -d 'Print a shell completion script: bash, zsh, fish or powershell'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand list" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config; in a pod, the service account)' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand list" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand list" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand list" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand list" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand list" -s l -l selector -d 'Label selector for image streams, e.g. application=myapp' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand list" -s s -l server -d 'The API server\'s address, overriding the kubeconfig cluster\'s (as kubectl\'s --server)' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand list" -l token -d 'Bearer <redacted> for authentication, instead of the kubeconfig user\'s credentials' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand list" -l certificate-authority -d 'Path to a PEM file of the certificate authorities to trust for the server' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand list" -l client-certificate -d 'Path to a client certificate file (PEM) for TLS' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand list" -l client-key -d 'Path to the client certificate\'s key file (PEM) for TLS' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand list" -l tls-server-name -d 'Server name to check the server\'s certificate against, when it differs from the host' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand list" -l as -d 'Impersonate this user' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand list" -l as-group -d 'Impersonate this group (repeat for several); needs --as' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand list" -l as-uid -d 'Impersonate this UID; needs --as' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand list" -l request-timeout -d 'How long to wait for one server request: 0 (no limit, but connecting gives up after 30s, as kubectl\'s does), 30s, 1m' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand list" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand list" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''
markdown\t'Markdown tables (`usage` only)'
html\t'One self-contained HTML page with SVG bars (`usage` only)'"
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand list" -s v -l v -l loglevel -d 'Log level, as kubectl\'s -v=N: 6 logs each request (method, URL, status, time), 7 adds request headers, 8 response headers and bodies (truncated); credentials are masked. A bare -v is 6, -vv is 8' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand list" -l history -d 'Print every revision under its tag, like `oc describe is`'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand list" -s A -l all-namespaces -d 'Across all namespaces'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand list" -l no-headers -d 'Do not print the header row of tables (as kubectl\'s --no-headers)'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand list" -l insecure-skip-tls-verify -d 'Do not check the server\'s certificate (insecure: prints a warning). Off by default'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand list" -l demo -d 'Run against a fresh simulated cluster (three streams: myapp, frontend, python) instead of yours; its changes vanish when the command ends'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand list" -s V -l version -d 'Print version'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand ls" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config; in a pod, the service account)' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand ls" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand ls" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand ls" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand ls" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand ls" -s l -l selector -d 'Label selector for image streams, e.g. application=myapp' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand ls" -s s -l server -d 'The API server\'s address, overriding the kubeconfig cluster\'s (as kubectl\'s --server)' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand ls" -l token -d 'Bearer <redacted> for authentication, instead of the kubeconfig user\'s credentials' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand ls" -l certificate-authority -d 'Path to a PEM file of the certificate authorities to trust for the server' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand ls" -l client-certificate -d 'Path to a client certificate file (PEM) for TLS' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand ls" -l client-key -d 'Path to the client certificate\'s key file (PEM) for TLS' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand ls" -l tls-server-name -d 'Server name to check the server\'s certificate against, when it differs from the host' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand ls" -l as -d 'Impersonate this user' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand ls" -l as-group -d 'Impersonate this group (repeat for several); needs --as' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand ls" -l as-uid -d 'Impersonate this UID; needs --as' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand ls" -l request-timeout -d 'How long to wait for one server request: 0 (no limit, but connecting gives up after 30s, as kubectl\'s does), 30s, 1m' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand ls" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand ls" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''
markdown\t'Markdown tables (`usage` only)'
html\t'One self-contained HTML page with SVG bars (`usage` only)'"
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand ls" -s v -l v -l loglevel -d 'Log level, as kubectl\'s -v=N: 6 logs each request (method, URL, status, time), 7 adds request headers, 8 response headers and bodies (truncated); credentials are masked. A bare -v is 6, -vv is 8' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand ls" -l history -d 'Print every revision under its tag, like `oc describe is`'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand ls" -s A -l all-namespaces -d 'Across all namespaces'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand ls" -l no-headers -d 'Do not print the header row of tables (as kubectl\'s --no-headers)'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand ls" -l insecure-skip-tls-verify -d 'Do not check the server\'s certificate (insecure: prints a warning). Off by default'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand ls" -l demo -d 'Run against a fresh simulated cluster (three streams: myapp, frontend, python) instead of yours; its changes vanish when the command ends'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand ls" -s V -l version -d 'Print version'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand describe" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config; in a pod, the service account)' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand describe" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand describe" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand describe" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand describe" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand describe" -s l -l selector -d 'Label selector for image streams, e.g. application=myapp' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand describe" -s s -l server -d 'The API server\'s address, overriding the kubeconfig cluster\'s (as kubectl\'s --server)' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand describe" -l token -d 'Bearer <redacted> for authentication, instead of the kubeconfig user\'s credentials' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand describe" -l certificate-authority -d 'Path to a PEM file of the certificate authorities to trust for the server' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand describe" -l client-certificate -d 'Path to a client certificate file (PEM) for TLS' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand describe" -l client-key -d 'Path to the client certificate\'s key file (PEM) for TLS' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand describe" -l tls-server-name -d 'Server name to check the server\'s certificate against, when it differs from the host' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand describe" -l as -d 'Impersonate this user' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand describe" -l as-group -d 'Impersonate this group (repeat for several); needs --as' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand describe" -l as-uid -d 'Impersonate this UID; needs --as' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand describe" -l request-timeout -d 'How long to wait for one server request: 0 (no limit, but connecting gives up after 30s, as kubectl\'s does), 30s, 1m' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand describe" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand describe" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''
markdown\t'Markdown tables (`usage` only)'
html\t'One self-contained HTML page with SVG bars (`usage` only)'"
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand describe" -s v -l v -l loglevel -d 'Log level, as kubectl\'s -v=N: 6 logs each request (method, URL, status, time), 7 adds request headers, 8 response headers and bodies (truncated); credentials are masked. A bare -v is 6, -vv is 8' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand describe" -s A -l all-namespaces -d 'Across all namespaces'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand describe" -l no-headers -d 'Do not print the header row of tables (as kubectl\'s --no-headers)'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand describe" -l insecure-skip-tls-verify -d 'Do not check the server\'s certificate (insecure: prints a warning). Off by default'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand describe" -l demo -d 'Run against a fresh simulated cluster (three streams: myapp, frontend, python) instead of yours; its changes vanish when the command ends'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand describe" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand describe" -s V -l version -d 'Print version'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand prune" -l keep -d 'How many of the newest versions to keep in each image stream (at least 1). Names of one version (1.2.3, v1.2.3, v1.2.3+b.5) take one place; pre-releases take none: those newer than the oldest kept release are kept, older ones are deleted' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand prune" -l match -d 'Only tags whose whole name matches REGEX (anchored). With --order semver it narrows the versions (default: every semantic version, optional leading v)' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand prune" -l order -d 'How to tell the newest: semver precedence (only versions are candidates), or created: the time of each tag\'s current image, which makes every --match tag a candidate (pr-123, build-456). (default: semver)' -r -f -a "semver\t''
created\t''"
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand prune" -l keep-younger-than -d 'Keep tags whose current image is younger than this (e.g. 96h, 7d, 1h30m; 0 turns it off). The default is oc adm prune\'s 60m' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand prune" -l consumers -d 'Namespaces that pull images from the pruned one (comma-separated); their workloads and spec tags protect too. Given, it replaces the discovery through image-puller RoleBindings' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand prune" -l keep-revisions -d 'Also trim the history of kept tags to the newest N revisions (needs update on imagestreams/status)' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand prune" -l concurrency -d 'How many requests to have in flight at once' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand prune" -l journal -d 'Write the journal (what restore needs) to this file, or into this directory (default: $XDG_STATE_HOME/oc-prunetags/, one file per run). Written before the first DELETE; if it cannot be, nothing is deleted' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand prune" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config; in a pod, the service account)' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand prune" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand prune" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand prune" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand prune" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand prune" -s l -l selector -d 'Label selector for image streams, e.g. application=myapp' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand prune" -s s -l server -d 'The API server\'s address, overriding the kubeconfig cluster\'s (as kubectl\'s --server)' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand prune" -l token -d 'Bearer <redacted> for authentication, instead of the kubeconfig user\'s credentials' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand prune" -l certificate-authority -d 'Path to a PEM file of the certificate authorities to trust for the server' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand prune" -l client-certificate -d 'Path to a client certificate file (PEM) for TLS' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand prune" -l client-key -d 'Path to the client certificate\'s key file (PEM) for TLS' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand prune" -l tls-server-name -d 'Server name to check the server\'s certificate against, when it differs from the host' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand prune" -l as -d 'Impersonate this user' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand prune" -l as-group -d 'Impersonate this group (repeat for several); needs --as' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand prune" -l as-uid -d 'Impersonate this UID; needs --as' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand prune" -l request-timeout -d 'How long to wait for one server request: 0 (no limit, but connecting gives up after 30s, as kubectl\'s does), 30s, 1m' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand prune" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand prune" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''
markdown\t'Markdown tables (`usage` only)'
html\t'One self-contained HTML page with SVG bars (`usage` only)'"
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand prune" -s v -l v -l loglevel -d 'Log level, as kubectl\'s -v=N: 6 logs each request (method, URL, status, time), 7 adds request headers, 8 response headers and bodies (truncated); credentials are masked. A bare -v is 6, -vv is 8' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand prune" -l ignore-in-use -d 'Delete tags even when a workload uses one of their images'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand prune" -l policy -d 'Apply each image stream\'s own policy annotations (prunetags.openshift.io/keep, match, order, keep-younger-than, keep-revisions, disabled), then its namespace\'s; the flags only give the defaults. Without it the flags are the policy'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand prune" -l dry-run -d 'Show the plan and stop: nothing is written'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand prune" -s y -l yes -d 'Delete without asking (required when there is no terminal, e.g. in a CronJob)'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand prune" -s i -l interactive -d 'Choose which of the planned tags to delete'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand prune" -l no-journal -d 'Prune without writing a journal (then only -o json output can undo the run)'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand prune" -s A -l all-namespaces -d 'Across all namespaces'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand prune" -l no-headers -d 'Do not print the header row of tables (as kubectl\'s --no-headers)'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand prune" -l insecure-skip-tls-verify -d 'Do not check the server\'s certificate (insecure: prints a warning). Off by default'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand prune" -l demo -d 'Run against a fresh simulated cluster (three streams: myapp, frontend, python) instead of yours; its changes vanish when the command ends'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand prune" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand prune" -s V -l version -d 'Print version'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand usage" -l top -d 'Show only the N image streams with the most unique bytes' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand usage" -l concurrency -d 'How many image reads to have in flight at once, at most (one read per distinct image; reads are light; when the server answers 429, fewer are sent until it stops)' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand usage" -l by -d 'One row per image stream (default), or per namespace: what only it holds (unique), what it shares with other namespaces, then its streams' -r -f -a "stream\t''
namespace\t''"
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand usage" -l over -d 'With --by namespace: only namespaces holding more than SIZE of their own (unique bytes), e.g. 10GiB, 500MB' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand usage" -l namespaces -d 'Only these namespaces (comma-separated or repeated), each read with its own LIST; one that cannot be read is reported as not measured' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand usage" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config; in a pod, the service account)' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand usage" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand usage" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand usage" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand usage" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand usage" -s l -l selector -d 'Label selector for image streams, e.g. application=myapp' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand usage" -s s -l server -d 'The API server\'s address, overriding the kubeconfig cluster\'s (as kubectl\'s --server)' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand usage" -l token -d 'Bearer <redacted> for authentication, instead of the kubeconfig user\'s credentials' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand usage" -l certificate-authority -d 'Path to a PEM file of the certificate authorities to trust for the server' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand usage" -l client-certificate -d 'Path to a client certificate file (PEM) for TLS' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand usage" -l client-key -d 'Path to the client certificate\'s key file (PEM) for TLS' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand usage" -l tls-server-name -d 'Server name to check the server\'s certificate against, when it differs from the host' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand usage" -l as -d 'Impersonate this user' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand usage" -l as-group -d 'Impersonate this group (repeat for several); needs --as' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand usage" -l as-uid -d 'Impersonate this UID; needs --as' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand usage" -l request-timeout -d 'How long to wait for one server request: 0 (no limit, but connecting gives up after 30s, as kubectl\'s does), 30s, 1m' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand usage" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand usage" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''
markdown\t'Markdown tables (`usage` only)'
html\t'One self-contained HTML page with SVG bars (`usage` only)'"
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand usage" -s v -l v -l loglevel -d 'Log level, as kubectl\'s -v=N: 6 logs each request (method, URL, status, time), 7 adds request headers, 8 response headers and bodies (truncated); credentials are masked. A bare -v is 6, -vv is 8' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand usage" -l revisions -d 'One row per revision under each tag'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand usage" -s A -l all-namespaces -d 'Across all namespaces'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand usage" -l no-headers -d 'Do not print the header row of tables (as kubectl\'s --no-headers)'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand usage" -l insecure-skip-tls-verify -d 'Do not check the server\'s certificate (insecure: prints a warning). Off by default'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand usage" -l demo -d 'Run against a fresh simulated cluster (three streams: myapp, frontend, python) instead of yours; its changes vanish when the command ends'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand usage" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand usage" -s V -l version -d 'Print version'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand restore" -l tags -d 'Only these tags (comma-separated stream:tag or namespace/stream:tag)' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand restore" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config; in a pod, the service account)' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand restore" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand restore" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand restore" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand restore" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand restore" -s l -l selector -d 'Label selector for image streams, e.g. application=myapp' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand restore" -s s -l server -d 'The API server\'s address, overriding the kubeconfig cluster\'s (as kubectl\'s --server)' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand restore" -l token -d 'Bearer <redacted> for authentication, instead of the kubeconfig user\'s credentials' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand restore" -l certificate-authority -d 'Path to a PEM file of the certificate authorities to trust for the server' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand restore" -l client-certificate -d 'Path to a client certificate file (PEM) for TLS' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand restore" -l client-key -d 'Path to the client certificate\'s key file (PEM) for TLS' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand restore" -l tls-server-name -d 'Server name to check the server\'s certificate against, when it differs from the host' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand restore" -l as -d 'Impersonate this user' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand restore" -l as-group -d 'Impersonate this group (repeat for several); needs --as' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand restore" -l as-uid -d 'Impersonate this UID; needs --as' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand restore" -l request-timeout -d 'How long to wait for one server request: 0 (no limit, but connecting gives up after 30s, as kubectl\'s does), 30s, 1m' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand restore" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand restore" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''
markdown\t'Markdown tables (`usage` only)'
html\t'One self-contained HTML page with SVG bars (`usage` only)'"
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand restore" -s v -l v -l loglevel -d 'Log level, as kubectl\'s -v=N: 6 logs each request (method, URL, status, time), 7 adds request headers, 8 response headers and bodies (truncated); credentials are masked. A bare -v is 6, -vv is 8' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand restore" -l force -d 'Restore also where a tag of that name exists now: the journal\'s revisions go on top'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand restore" -l dry-run -d 'Show what would be restored and stop: nothing is written'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand restore" -s y -l yes -d 'Restore without asking (required when there is no terminal)'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand restore" -s A -l all-namespaces -d 'Across all namespaces'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand restore" -l no-headers -d 'Do not print the header row of tables (as kubectl\'s --no-headers)'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand restore" -l insecure-skip-tls-verify -d 'Do not check the server\'s certificate (insecure: prints a warning). Off by default'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand restore" -l demo -d 'Run against a fresh simulated cluster (three streams: myapp, frontend, python) instead of yours; its changes vanish when the command ends'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand restore" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand restore" -s V -l version -d 'Print version'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and not __fish_seen_subcommand_from list ls show" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config; in a pod, the service account)' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and not __fish_seen_subcommand_from list ls show" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and not __fish_seen_subcommand_from list ls show" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and not __fish_seen_subcommand_from list ls show" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and not __fish_seen_subcommand_from list ls show" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and not __fish_seen_subcommand_from list ls show" -s l -l selector -d 'Label selector for image streams, e.g. application=myapp' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and not __fish_seen_subcommand_from list ls show" -s s -l server -d 'The API server\'s address, overriding the kubeconfig cluster\'s (as kubectl\'s --server)' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and not __fish_seen_subcommand_from list ls show" -l token -d 'Bearer <redacted> for authentication, instead of the kubeconfig user\'s credentials' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and not __fish_seen_subcommand_from list ls show" -l certificate-authority -d 'Path to a PEM file of the certificate authorities to trust for the server' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and not __fish_seen_subcommand_from list ls show" -l client-certificate -d 'Path to a client certificate file (PEM) for TLS' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and not __fish_seen_subcommand_from list ls show" -l client-key -d 'Path to the client certificate\'s key file (PEM) for TLS' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and not __fish_seen_subcommand_from list ls show" -l tls-server-name -d 'Server name to check the server\'s certificate against, when it differs from the host' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and not __fish_seen_subcommand_from list ls show" -l as -d 'Impersonate this user' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and not __fish_seen_subcommand_from list ls show" -l as-group -d 'Impersonate this group (repeat for several); needs --as' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and not __fish_seen_subcommand_from list ls show" -l as-uid -d 'Impersonate this UID; needs --as' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and not __fish_seen_subcommand_from list ls show" -l request-timeout -d 'How long to wait for one server request: 0 (no limit, but connecting gives up after 30s, as kubectl\'s does), 30s, 1m' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and not __fish_seen_subcommand_from list ls show" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and not __fish_seen_subcommand_from list ls show" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''
markdown\t'Markdown tables (`usage` only)'
html\t'One self-contained HTML page with SVG bars (`usage` only)'"
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and not __fish_seen_subcommand_from list ls show" -s v -l v -l loglevel -d 'Log level, as kubectl\'s -v=N: 6 logs each request (method, URL, status, time), 7 adds request headers, 8 response headers and bodies (truncated); credentials are masked. A bare -v is 6, -vv is 8' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and not __fish_seen_subcommand_from list ls show" -s A -l all-namespaces -d 'Across all namespaces'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and not __fish_seen_subcommand_from list ls show" -l no-headers -d 'Do not print the header row of tables (as kubectl\'s --no-headers)'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and not __fish_seen_subcommand_from list ls show" -l insecure-skip-tls-verify -d 'Do not check the server\'s certificate (insecure: prints a warning). Off by default'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and not __fish_seen_subcommand_from list ls show" -l demo -d 'Run against a fresh simulated cluster (three streams: myapp, frontend, python) instead of yours; its changes vanish when the command ends'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and not __fish_seen_subcommand_from list ls show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and not __fish_seen_subcommand_from list ls show" -s V -l version -d 'Print version'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and not __fish_seen_subcommand_from list ls show" -f -a "list" -d 'The journals of past prunes, newest first: time, context, namespace, counts'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and not __fish_seen_subcommand_from list ls show" -f -a "ls" -d 'The journals of past prunes, newest first: time, context, namespace, counts'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and not __fish_seen_subcommand_from list ls show" -f -a "show" -d 'What one run deleted: every tag with its revisions and spec tag'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from list" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config; in a pod, the service account)' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from list" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from list" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from list" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from list" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from list" -s l -l selector -d 'Label selector for image streams, e.g. application=myapp' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from list" -s s -l server -d 'The API server\'s address, overriding the kubeconfig cluster\'s (as kubectl\'s --server)' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from list" -l token -d 'Bearer <redacted> for authentication, instead of the kubeconfig user\'s credentials' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from list" -l certificate-authority -d 'Path to a PEM file of the certificate authorities to trust for the server' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from list" -l client-certificate -d 'Path to a client certificate file (PEM) for TLS' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from list" -l client-key -d 'Path to the client certificate\'s key file (PEM) for TLS' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from list" -l tls-server-name -d 'Server name to check the server\'s certificate against, when it differs from the host' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from list" -l as -d 'Impersonate this user' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from list" -l as-group -d 'Impersonate this group (repeat for several); needs --as' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from list" -l as-uid -d 'Impersonate this UID; needs --as' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from list" -l request-timeout -d 'How long to wait for one server request: 0 (no limit, but connecting gives up after 30s, as kubectl\'s does), 30s, 1m' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from list" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''
markdown\t'Markdown tables (`usage` only)'
html\t'One self-contained HTML page with SVG bars (`usage` only)'"
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from list" -s v -l v -l loglevel -d 'Log level, as kubectl\'s -v=N: 6 logs each request (method, URL, status, time), 7 adds request headers, 8 response headers and bodies (truncated); credentials are masked. A bare -v is 6, -vv is 8' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from list" -s A -l all-namespaces -d 'Across all namespaces'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from list" -l no-headers -d 'Do not print the header row of tables (as kubectl\'s --no-headers)'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from list" -l insecure-skip-tls-verify -d 'Do not check the server\'s certificate (insecure: prints a warning). Off by default'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from list" -l demo -d 'Run against a fresh simulated cluster (three streams: myapp, frontend, python) instead of yours; its changes vanish when the command ends'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from ls" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config; in a pod, the service account)' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from ls" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from ls" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from ls" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from ls" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from ls" -s l -l selector -d 'Label selector for image streams, e.g. application=myapp' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from ls" -s s -l server -d 'The API server\'s address, overriding the kubeconfig cluster\'s (as kubectl\'s --server)' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from ls" -l token -d 'Bearer <redacted> for authentication, instead of the kubeconfig user\'s credentials' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from ls" -l certificate-authority -d 'Path to a PEM file of the certificate authorities to trust for the server' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from ls" -l client-certificate -d 'Path to a client certificate file (PEM) for TLS' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from ls" -l client-key -d 'Path to the client certificate\'s key file (PEM) for TLS' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from ls" -l tls-server-name -d 'Server name to check the server\'s certificate against, when it differs from the host' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from ls" -l as -d 'Impersonate this user' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from ls" -l as-group -d 'Impersonate this group (repeat for several); needs --as' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from ls" -l as-uid -d 'Impersonate this UID; needs --as' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from ls" -l request-timeout -d 'How long to wait for one server request: 0 (no limit, but connecting gives up after 30s, as kubectl\'s does), 30s, 1m' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from ls" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from ls" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''
markdown\t'Markdown tables (`usage` only)'
html\t'One self-contained HTML page with SVG bars (`usage` only)'"
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from ls" -s v -l v -l loglevel -d 'Log level, as kubectl\'s -v=N: 6 logs each request (method, URL, status, time), 7 adds request headers, 8 response headers and bodies (truncated); credentials are masked. A bare -v is 6, -vv is 8' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from ls" -s A -l all-namespaces -d 'Across all namespaces'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from ls" -l no-headers -d 'Do not print the header row of tables (as kubectl\'s --no-headers)'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from ls" -l insecure-skip-tls-verify -d 'Do not check the server\'s certificate (insecure: prints a warning). Off by default'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from ls" -l demo -d 'Run against a fresh simulated cluster (three streams: myapp, frontend, python) instead of yours; its changes vanish when the command ends'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from ls" -s V -l version -d 'Print version'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from show" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config; in a pod, the service account)' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from show" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from show" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from show" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from show" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from show" -s l -l selector -d 'Label selector for image streams, e.g. application=myapp' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from show" -s s -l server -d 'The API server\'s address, overriding the kubeconfig cluster\'s (as kubectl\'s --server)' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from show" -l token -d 'Bearer <redacted> for authentication, instead of the kubeconfig user\'s credentials' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from show" -l certificate-authority -d 'Path to a PEM file of the certificate authorities to trust for the server' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from show" -l client-certificate -d 'Path to a client certificate file (PEM) for TLS' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from show" -l client-key -d 'Path to the client certificate\'s key file (PEM) for TLS' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from show" -l tls-server-name -d 'Server name to check the server\'s certificate against, when it differs from the host' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from show" -l as -d 'Impersonate this user' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from show" -l as-group -d 'Impersonate this group (repeat for several); needs --as' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from show" -l as-uid -d 'Impersonate this UID; needs --as' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from show" -l request-timeout -d 'How long to wait for one server request: 0 (no limit, but connecting gives up after 30s, as kubectl\'s does), 30s, 1m' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from show" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from show" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''
markdown\t'Markdown tables (`usage` only)'
html\t'One self-contained HTML page with SVG bars (`usage` only)'"
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from show" -s v -l v -l loglevel -d 'Log level, as kubectl\'s -v=N: 6 logs each request (method, URL, status, time), 7 adds request headers, 8 response headers and bodies (truncated); credentials are masked. A bare -v is 6, -vv is 8' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from show" -s A -l all-namespaces -d 'Across all namespaces'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from show" -l no-headers -d 'Do not print the header row of tables (as kubectl\'s --no-headers)'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from show" -l insecure-skip-tls-verify -d 'Do not check the server\'s certificate (insecure: prints a warning). Off by default'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from show" -l demo -d 'Run against a fresh simulated cluster (three streams: myapp, frontend, python) instead of yours; its changes vanish when the command ends'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand journal; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand pin" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config; in a pod, the service account)' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand pin" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand pin" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand pin" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand pin" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand pin" -s l -l selector -d 'Label selector for image streams, e.g. application=myapp' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand pin" -s s -l server -d 'The API server\'s address, overriding the kubeconfig cluster\'s (as kubectl\'s --server)' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand pin" -l token -d 'Bearer <redacted> for authentication, instead of the kubeconfig user\'s credentials' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand pin" -l certificate-authority -d 'Path to a PEM file of the certificate authorities to trust for the server' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand pin" -l client-certificate -d 'Path to a client certificate file (PEM) for TLS' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand pin" -l client-key -d 'Path to the client certificate\'s key file (PEM) for TLS' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand pin" -l tls-server-name -d 'Server name to check the server\'s certificate against, when it differs from the host' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand pin" -l as -d 'Impersonate this user' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand pin" -l as-group -d 'Impersonate this group (repeat for several); needs --as' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand pin" -l as-uid -d 'Impersonate this UID; needs --as' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand pin" -l request-timeout -d 'How long to wait for one server request: 0 (no limit, but connecting gives up after 30s, as kubectl\'s does), 30s, 1m' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand pin" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand pin" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''
markdown\t'Markdown tables (`usage` only)'
html\t'One self-contained HTML page with SVG bars (`usage` only)'"
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand pin" -s v -l v -l loglevel -d 'Log level, as kubectl\'s -v=N: 6 logs each request (method, URL, status, time), 7 adds request headers, 8 response headers and bodies (truncated); credentials are masked. A bare -v is 6, -vv is 8' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand pin" -l dry-run -d 'Show the changes and stop: nothing is written'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand pin" -s y -l yes -d 'Write without asking (required when there is no terminal)'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand pin" -s A -l all-namespaces -d 'Across all namespaces'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand pin" -l no-headers -d 'Do not print the header row of tables (as kubectl\'s --no-headers)'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand pin" -l insecure-skip-tls-verify -d 'Do not check the server\'s certificate (insecure: prints a warning). Off by default'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand pin" -l demo -d 'Run against a fresh simulated cluster (three streams: myapp, frontend, python) instead of yours; its changes vanish when the command ends'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand pin" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand pin" -s V -l version -d 'Print version'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand unpin" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config; in a pod, the service account)' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand unpin" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand unpin" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand unpin" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand unpin" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand unpin" -s l -l selector -d 'Label selector for image streams, e.g. application=myapp' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand unpin" -s s -l server -d 'The API server\'s address, overriding the kubeconfig cluster\'s (as kubectl\'s --server)' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand unpin" -l token -d 'Bearer <redacted> for authentication, instead of the kubeconfig user\'s credentials' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand unpin" -l certificate-authority -d 'Path to a PEM file of the certificate authorities to trust for the server' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand unpin" -l client-certificate -d 'Path to a client certificate file (PEM) for TLS' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand unpin" -l client-key -d 'Path to the client certificate\'s key file (PEM) for TLS' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand unpin" -l tls-server-name -d 'Server name to check the server\'s certificate against, when it differs from the host' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand unpin" -l as -d 'Impersonate this user' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand unpin" -l as-group -d 'Impersonate this group (repeat for several); needs --as' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand unpin" -l as-uid -d 'Impersonate this UID; needs --as' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand unpin" -l request-timeout -d 'How long to wait for one server request: 0 (no limit, but connecting gives up after 30s, as kubectl\'s does), 30s, 1m' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand unpin" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand unpin" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''
markdown\t'Markdown tables (`usage` only)'
html\t'One self-contained HTML page with SVG bars (`usage` only)'"
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand unpin" -s v -l v -l loglevel -d 'Log level, as kubectl\'s -v=N: 6 logs each request (method, URL, status, time), 7 adds request headers, 8 response headers and bodies (truncated); credentials are masked. A bare -v is 6, -vv is 8' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand unpin" -l dry-run -d 'Show the changes and stop: nothing is written'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand unpin" -s y -l yes -d 'Write without asking (required when there is no terminal)'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand unpin" -s A -l all-namespaces -d 'Across all namespaces'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand unpin" -l no-headers -d 'Do not print the header row of tables (as kubectl\'s --no-headers)'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand unpin" -l insecure-skip-tls-verify -d 'Do not check the server\'s certificate (insecure: prints a warning). Off by default'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand unpin" -l demo -d 'Run against a fresh simulated cluster (three streams: myapp, frontend, python) instead of yours; its changes vanish when the command ends'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand unpin" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand unpin" -s V -l version -d 'Print version'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and not __fish_seen_subcommand_from show set" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config; in a pod, the service account)' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and not __fish_seen_subcommand_from show set" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and not __fish_seen_subcommand_from show set" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and not __fish_seen_subcommand_from show set" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and not __fish_seen_subcommand_from show set" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and not __fish_seen_subcommand_from show set" -s l -l selector -d 'Label selector for image streams, e.g. application=myapp' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and not __fish_seen_subcommand_from show set" -s s -l server -d 'The API server\'s address, overriding the kubeconfig cluster\'s (as kubectl\'s --server)' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and not __fish_seen_subcommand_from show set" -l token -d 'Bearer <redacted> for authentication, instead of the kubeconfig user\'s credentials' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and not __fish_seen_subcommand_from show set" -l certificate-authority -d 'Path to a PEM file of the certificate authorities to trust for the server' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and not __fish_seen_subcommand_from show set" -l client-certificate -d 'Path to a client certificate file (PEM) for TLS' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and not __fish_seen_subcommand_from show set" -l client-key -d 'Path to the client certificate\'s key file (PEM) for TLS' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and not __fish_seen_subcommand_from show set" -l tls-server-name -d 'Server name to check the server\'s certificate against, when it differs from the host' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and not __fish_seen_subcommand_from show set" -l as -d 'Impersonate this user' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and not __fish_seen_subcommand_from show set" -l as-group -d 'Impersonate this group (repeat for several); needs --as' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and not __fish_seen_subcommand_from show set" -l as-uid -d 'Impersonate this UID; needs --as' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and not __fish_seen_subcommand_from show set" -l request-timeout -d 'How long to wait for one server request: 0 (no limit, but connecting gives up after 30s, as kubectl\'s does), 30s, 1m' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and not __fish_seen_subcommand_from show set" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and not __fish_seen_subcommand_from show set" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''
markdown\t'Markdown tables (`usage` only)'
html\t'One self-contained HTML page with SVG bars (`usage` only)'"
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and not __fish_seen_subcommand_from show set" -s v -l v -l loglevel -d 'Log level, as kubectl\'s -v=N: 6 logs each request (method, URL, status, time), 7 adds request headers, 8 response headers and bodies (truncated); credentials are masked. A bare -v is 6, -vv is 8' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and not __fish_seen_subcommand_from show set" -s A -l all-namespaces -d 'Across all namespaces'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and not __fish_seen_subcommand_from show set" -l no-headers -d 'Do not print the header row of tables (as kubectl\'s --no-headers)'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and not __fish_seen_subcommand_from show set" -l insecure-skip-tls-verify -d 'Do not check the server\'s certificate (insecure: prints a warning). Off by default'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and not __fish_seen_subcommand_from show set" -l demo -d 'Run against a fresh simulated cluster (three streams: myapp, frontend, python) instead of yours; its changes vanish when the command ends'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and not __fish_seen_subcommand_from show set" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and not __fish_seen_subcommand_from show set" -s V -l version -d 'Print version'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and not __fish_seen_subcommand_from show set" -f -a "show" -d 'The policy `prune --policy` applies to each image stream, and where each value comes from'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and not __fish_seen_subcommand_from show set" -f -a "set" -d 'Write policy annotations on an image stream (a merge PATCH: needs patch on imagestreams)'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from show" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config; in a pod, the service account)' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from show" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from show" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from show" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from show" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from show" -s l -l selector -d 'Label selector for image streams, e.g. application=myapp' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from show" -s s -l server -d 'The API server\'s address, overriding the kubeconfig cluster\'s (as kubectl\'s --server)' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from show" -l token -d 'Bearer <redacted> for authentication, instead of the kubeconfig user\'s credentials' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from show" -l certificate-authority -d 'Path to a PEM file of the certificate authorities to trust for the server' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from show" -l client-certificate -d 'Path to a client certificate file (PEM) for TLS' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from show" -l client-key -d 'Path to the client certificate\'s key file (PEM) for TLS' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from show" -l tls-server-name -d 'Server name to check the server\'s certificate against, when it differs from the host' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from show" -l as -d 'Impersonate this user' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from show" -l as-group -d 'Impersonate this group (repeat for several); needs --as' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from show" -l as-uid -d 'Impersonate this UID; needs --as' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from show" -l request-timeout -d 'How long to wait for one server request: 0 (no limit, but connecting gives up after 30s, as kubectl\'s does), 30s, 1m' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from show" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from show" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''
markdown\t'Markdown tables (`usage` only)'
html\t'One self-contained HTML page with SVG bars (`usage` only)'"
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from show" -s v -l v -l loglevel -d 'Log level, as kubectl\'s -v=N: 6 logs each request (method, URL, status, time), 7 adds request headers, 8 response headers and bodies (truncated); credentials are masked. A bare -v is 6, -vv is 8' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from show" -s A -l all-namespaces -d 'Across all namespaces'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from show" -l no-headers -d 'Do not print the header row of tables (as kubectl\'s --no-headers)'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from show" -l insecure-skip-tls-verify -d 'Do not check the server\'s certificate (insecure: prints a warning). Off by default'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from show" -l demo -d 'Run against a fresh simulated cluster (three streams: myapp, frontend, python) instead of yours; its changes vanish when the command ends'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from set" -l keep -d 'prunetags.openshift.io/keep: how many of the newest versions to keep' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from set" -l match -d 'prunetags.openshift.io/match: only tags whose whole name matches REGEX' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from set" -l order -d 'prunetags.openshift.io/order: semver or created' -r -f -a "semver\t''
created\t''"
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from set" -l keep-younger-than -d 'prunetags.openshift.io/keep-younger-than: a duration (96h, 7d; 0 turns it off)' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from set" -l keep-revisions -d 'prunetags.openshift.io/keep-revisions: trim kept tags\' history to N revisions' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from set" -l disabled -d 'prunetags.openshift.io/disabled: true never prunes the stream' -r -f -a "true\t''
false\t''"
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from set" -l unset -d 'Remove these settings\' annotations (comma-separated: keep,match,order,...)' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from set" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config; in a pod, the service account)' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from set" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from set" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from set" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from set" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from set" -s l -l selector -d 'Label selector for image streams, e.g. application=myapp' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from set" -s s -l server -d 'The API server\'s address, overriding the kubeconfig cluster\'s (as kubectl\'s --server)' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from set" -l token -d 'Bearer <redacted> for authentication, instead of the kubeconfig user\'s credentials' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from set" -l certificate-authority -d 'Path to a PEM file of the certificate authorities to trust for the server' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from set" -l client-certificate -d 'Path to a client certificate file (PEM) for TLS' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from set" -l client-key -d 'Path to the client certificate\'s key file (PEM) for TLS' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from set" -l tls-server-name -d 'Server name to check the server\'s certificate against, when it differs from the host' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from set" -l as -d 'Impersonate this user' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from set" -l as-group -d 'Impersonate this group (repeat for several); needs --as' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from set" -l as-uid -d 'Impersonate this UID; needs --as' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from set" -l request-timeout -d 'How long to wait for one server request: 0 (no limit, but connecting gives up after 30s, as kubectl\'s does), 30s, 1m' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from set" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from set" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''
markdown\t'Markdown tables (`usage` only)'
html\t'One self-contained HTML page with SVG bars (`usage` only)'"
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from set" -s v -l v -l loglevel -d 'Log level, as kubectl\'s -v=N: 6 logs each request (method, URL, status, time), 7 adds request headers, 8 response headers and bodies (truncated); credentials are masked. A bare -v is 6, -vv is 8' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from set" -l dry-run -d 'Show the changes and stop: nothing is written'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from set" -s y -l yes -d 'Write without asking (required when there is no terminal)'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from set" -s A -l all-namespaces -d 'Across all namespaces'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from set" -l no-headers -d 'Do not print the header row of tables (as kubectl\'s --no-headers)'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from set" -l insecure-skip-tls-verify -d 'Do not check the server\'s certificate (insecure: prints a warning). Off by default'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from set" -l demo -d 'Run against a fresh simulated cluster (three streams: myapp, frontend, python) instead of yours; its changes vanish when the command ends'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand policy; and __fish_seen_subcommand_from set" -s V -l version -d 'Print version'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand report" -l smtp -d 'The SMTP server: smtps://HOST:465 (TLS), smtp://HOST:587?tls=required (STARTTLS), ?tls=opportunistic (STARTTLS if offered) or smtp://HOST:25 (plain: a warning unless on this machine); a user goes before the host (smtps://USER@HOST) and AUTHs only over TLS or to this machine, its password never on the command line: --smtp-password-file or $PRUNETAGS_SMTP_PASSWORD' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand report" -l from -d 'The sender address' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand report" -l platform-to -d 'Where the summary of all namespaces goes (repeat for several)' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand report" -l contact-annotation -d 'The namespace annotation holding its contacts\' addresses (comma-separated); openshift.io/requester counts too when it is an address' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand report" -l over -d 'Only namespaces holding more than SIZE of their own (unique bytes), e.g. 10GiB, 500MB' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand report" -l smtp-password-file -d 'A file holding the SMTP password (e.g. a mounted Secret)' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand report" -l smtp-ca -d 'A PEM file of certificate authorities to trust for the SMTP server, besides the system\'s (a relay with a certificate from a private CA)' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand report" -l concurrency -d 'How many image reads to have in flight at once, at most (fewer while the server answers 429)' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand report" -l namespaces -d 'Only these namespaces (comma-separated or repeated), each read with its own LIST; one that cannot be read is reported as not measured' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand report" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config; in a pod, the service account)' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand report" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand report" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand report" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand report" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand report" -s l -l selector -d 'Label selector for image streams, e.g. application=myapp' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand report" -s s -l server -d 'The API server\'s address, overriding the kubeconfig cluster\'s (as kubectl\'s --server)' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand report" -l token -d 'Bearer <redacted> for authentication, instead of the kubeconfig user\'s credentials' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand report" -l certificate-authority -d 'Path to a PEM file of the certificate authorities to trust for the server' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand report" -l client-certificate -d 'Path to a client certificate file (PEM) for TLS' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand report" -l client-key -d 'Path to the client certificate\'s key file (PEM) for TLS' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand report" -l tls-server-name -d 'Server name to check the server\'s certificate against, when it differs from the host' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand report" -l as -d 'Impersonate this user' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand report" -l as-group -d 'Impersonate this group (repeat for several); needs --as' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand report" -l as-uid -d 'Impersonate this UID; needs --as' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand report" -l request-timeout -d 'How long to wait for one server request: 0 (no limit, but connecting gives up after 30s, as kubectl\'s does), 30s, 1m' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand report" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand report" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''
markdown\t'Markdown tables (`usage` only)'
html\t'One self-contained HTML page with SVG bars (`usage` only)'"
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand report" -s v -l v -l loglevel -d 'Log level, as kubectl\'s -v=N: 6 logs each request (method, URL, status, time), 7 adds request headers, 8 response headers and bodies (truncated); credentials are masked. A bare -v is 6, -vv is 8' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand report" -l dry-run -d 'Print the mails instead of sending them'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand report" -s A -l all-namespaces -d 'Across all namespaces'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand report" -l no-headers -d 'Do not print the header row of tables (as kubectl\'s --no-headers)'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand report" -l insecure-skip-tls-verify -d 'Do not check the server\'s certificate (insecure: prints a warning). Off by default'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand report" -l demo -d 'Run against a fresh simulated cluster (three streams: myapp, frontend, python) instead of yours; its changes vanish when the command ends'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand report" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand report" -s V -l version -d 'Print version'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand completion" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, else ~/.kube/config; in a pod, the service account)' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand completion" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand completion" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand completion" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand completion" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else "default")' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand completion" -s l -l selector -d 'Label selector for image streams, e.g. application=myapp' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand completion" -s s -l server -d 'The API server\'s address, overriding the kubeconfig cluster\'s (as kubectl\'s --server)' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand completion" -l token -d 'Bearer <redacted> for authentication, instead of the kubeconfig user\'s credentials' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand completion" -l certificate-authority -d 'Path to a PEM file of the certificate authorities to trust for the server' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand completion" -l client-certificate -d 'Path to a client certificate file (PEM) for TLS' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand completion" -l client-key -d 'Path to the client certificate\'s key file (PEM) for TLS' -r -F
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand completion" -l tls-server-name -d 'Server name to check the server\'s certificate against, when it differs from the host' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand completion" -l as -d 'Impersonate this user' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand completion" -l as-group -d 'Impersonate this group (repeat for several); needs --as' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand completion" -l as-uid -d 'Impersonate this UID; needs --as' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand completion" -l request-timeout -d 'How long to wait for one server request: 0 (no limit, but connecting gives up after 30s, as kubectl\'s does), 30s, 1m' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand completion" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand completion" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''
markdown\t'Markdown tables (`usage` only)'
html\t'One self-contained HTML page with SVG bars (`usage` only)'"
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand completion" -s v -l v -l loglevel -d 'Log level, as kubectl\'s -v=N: 6 logs each request (method, URL, status, time), 7 adds request headers, 8 response headers and bodies (truncated); credentials are masked. A bare -v is 6, -vv is 8' -r
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand completion" -s A -l all-namespaces -d 'Across all namespaces'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand completion" -l no-headers -d 'Do not print the header row of tables (as kubectl\'s --no-headers)'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand completion" -l insecure-skip-tls-verify -d 'Do not check the server\'s certificate (insecure: prints a warning). Off by default'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand completion" -l demo -d 'Run against a fresh simulated cluster (three streams: myapp, frontend, python) instead of yours; its changes vanish when the command ends'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand completion" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-prunetags -n "__fish_kubectl_prunetags_using_subcommand completion" -s V -l version -d 'Print version'
