# shellcheck shell=bash
# Sourced by the scripts that call AWS: finds the AWS CLI v2.
#
# Picks the AWS CLI: $AWS_CLI if set, else /usr/bin/aws (Debian's v2), else `aws` on PATH; it
# must be version 2. Sets the array AWS (the command plus --endpoint-url when AWS_ENDPOINT_URL is
# set: Debian's CLI 2.9 does not read that variable itself).
find_aws_cli() {
  local candidate version
  if [ -n "${AWS_CLI:-}" ]; then
    candidate="$AWS_CLI"
    if [ ! -x "$candidate" ]; then
      echo "error: AWS_CLI=$candidate is not an executable. The AWS CLI v2 is required: apt-get install awscli (Debian 12 ships v2), or see https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html" >&2
      return 69
    fi
  elif [ -x /usr/bin/aws ]; then
    candidate=/usr/bin/aws
  elif command -v aws > /dev/null; then
    candidate="$(command -v aws)"
  else
    echo "error: the AWS CLI v2 is required. Install it: apt-get install awscli (Debian 12 ships v2), or see https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html" >&2
    return 69
  fi
  if ! version="$("$candidate" --version 2>&1)"; then
    echo "error: '$candidate --version' failed: $version" >&2
    return 69
  fi
  case "$version" in
    aws-cli/2.*) ;;
    *)
      echo "error: $candidate is '${version%% *}', but AWS CLI v2 is required (apt-get install awscli puts v2 at /usr/bin/aws; or set AWS_CLI=/path/to/aws)" >&2
      return 69
      ;;
  esac
  AWS=("$candidate")
  if [ -n "${AWS_ENDPOINT_URL:-}" ]; then
    AWS+=(--endpoint-url "$AWS_ENDPOINT_URL")
  fi
}
