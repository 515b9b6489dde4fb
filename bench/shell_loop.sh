#!/usr/bin/env bash
# The loop a user would write: find every checkout, then `git remote set-url` per remote.
# The URL conversion uses bash's own regex (no sed process), which favours the loop.
set -u
to_https() {
  local u=$1
  if [[ $u =~ ^ssh://([^@/]+@)?([^:/]+)(:[0-9]+)?/(.*)$ ]]; then
    printf 'https://%s/%s' "${BASH_REMATCH[2]}" "${BASH_REMATCH[4]}"
  elif [[ $u != *://* && $u =~ ^([^@/]+@)?([^:/]+):(.*)$ ]]; then
    printf 'https://%s/%s' "${BASH_REMATCH[2]}" "${BASH_REMATCH[3]}"
  else
    printf '%s' "$u"
  fi
}
find "$1" -name node_modules -prune -o -name .git -print | while read -r g; do
  repo=${g%/.git}
  for r in $(git -C "$repo" remote); do
    url=$(git -C "$repo" config --get "remote.$r.url")
    new=$(to_https "$url")
    [[ $new != "$url" ]] && git -C "$repo" remote set-url "$r" "$new"
    if push=$(git -C "$repo" config --get "remote.$r.pushurl"); then
      newp=$(to_https "$push")
      [[ $newp != "$push" ]] && git -C "$repo" remote set-url --push "$r" "$newp" "$push"
    fi
  done
done
