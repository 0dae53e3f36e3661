# Sourced by e2e/install-n8n.sh and .ci/run: nested npm steps that do not depend on the
# npm_config_* environment they inherit.
#
# `npm test` (and any npm script) exports its whole resolved configuration to child processes as
# npm_config_*: the project's .npmrc `ignore-scripts=true` becomes npm_config_ignore_scripts=true,
# and a nested `npm rebuild sqlite3` then prints success and compiles nothing (issue 18). So every
# nested step starts from a clean slate and sets what it needs on its own command line.

# Where-to-fetch settings survive (a user's registry mirror, proxy, CA, npm cache folder);
# every behaviour setting (ignore-scripts, omit, production, dry-run, nodedir, prefix, ...) goes.
NPM_ENV_KEEP='^npm_config_(cache|registry|userconfig|globalconfig|cafile|ca|proxy|https_proxy|http_proxy|noproxy|strict_ssl|fetch_retries|fetch_retry_factor|fetch_retry_mintimeout|fetch_retry_maxtimeout|fetch_timeout|maxsockets)$'

clean_npm_env() {
  local name
  unset NODE_OPTIONS # preloads meant for the parent node process; npm and node-gyp run on node too
  for name in $(compgen -e); do
    case "${name,,}" in
      npm_config_*)
        if ! [[ "${name,,}" =~ $NPM_ENV_KEEP ]]; then unset "$name"; fi ;;
    esac
  done
}

# npm_clean ARGS...: npm with every inherited behaviour setting removed from its environment,
# also those bash cannot name or unset (npm_config_script-shell: npm reads dashes too) and
# NODE_OPTIONS (npm itself runs on node). Where-to-fetch settings stay, as in clean_npm_env.
npm_clean() {
  local drop=(-u NODE_OPTIONS) entry name
  while IFS= read -r -d '' entry; do
    name="${entry%%=*}"
    case "${name,,}" in
      npm_config_*)
        if ! [[ "${name,,}" =~ $NPM_ENV_KEEP ]]; then drop+=(-u "$name"); fi ;;
    esac
  done < <(env -0)
  env "${drop[@]}" npm "$@"
}

# rebuild_native DIR PACKAGE NODE_DIR: run PACKAGE's install script (native build) inside DIR
# against the Node headers in NODE_DIR, whatever the caller's environment says. Output to stdout.
# --global=false: a user config saying global=true would otherwise rebuild nothing, silently.
rebuild_native() {
  local dir="$1" pkg="$2" node_dir="$3"
  ( cd "$dir" &&
    PATH="$node_dir/bin:$PATH" \
      npm_clean rebuild "$pkg" --nodedir="$node_dir" --ignore-scripts=false --global=false --foreground-scripts --loglevel=error )
}
