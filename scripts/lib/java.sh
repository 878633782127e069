# shellcheck shell=bash
# Sourced by the scripts: finds a JDK >= 21 and exports JAVA_HOME (the worker targets Lambda's java21).
# Order: JAVA_HOME, the java on PATH, then any JDK under /usr/lib/jvm.

java_spec_version() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n1
}

find_jdk21() {
  local candidate version on_path=""
  if command -v java >/dev/null 2>&1; then
    on_path="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
  fi
  for candidate in "${JAVA_HOME:-}" "$on_path" /usr/lib/jvm/*; do
    [[ -n "$candidate" && -x "$candidate/bin/java" && -x "$candidate/bin/javac" ]] || continue
    version="$(java_spec_version "$candidate/bin/java")"
    if [[ "${version%%.*}" =~ ^[0-9]+$ && "${version%%.*}" -ge 21 ]]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

require_java21() {
  local jdk
  if ! jdk="$(find_jdk21)"; then
    echo "error: needs a JDK 21 or newer (java and javac); none found in JAVA_HOME, on PATH or under /usr/lib/jvm." >&2
    echo "  Ubuntu 22.04+ / Debian 13: sudo apt-get install openjdk-21-jdk-headless" >&2
    echo "  Debian 12 (only has 17): Eclipse Temurin's apt repository, package temurin-21-jdk" >&2
    echo "    (https://adoptium.net/installation/linux/)" >&2
    echo "  macOS: brew install openjdk@21" >&2
    echo "  SDKMAN: sdk list java, then sdk install java <a 21 or newer -tem version>" >&2
    echo "  then open a new shell, or set JAVA_HOME to the JDK's directory." >&2
    exit 1
  fi
  export JAVA_HOME="$jdk"
  JAVA_MAJOR="$(java_spec_version "$jdk/bin/java" | cut -d. -f1)"
  export JAVA_MAJOR
  # Maven's own Guice (and Pekko inside ElasticMQ) use sun.misc.Unsafe, which JDK 24+ warns about
  # on every start; the flag that allows it quietly exists since JDK 23 (JEP 471).
  if (( JAVA_MAJOR >= 23 )) && [[ "${MAVEN_OPTS:-}" != *sun-misc-unsafe-memory-access* ]]; then
    export MAVEN_OPTS="${MAVEN_OPTS:+$MAVEN_OPTS }--sun-misc-unsafe-memory-access=allow"
  fi
}
