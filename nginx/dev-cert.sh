#!/bin/sh
# A self-signed certificate for local HTTPS (production uses real ones; see deploy/README.md).
# Usage: nginx/dev-cert.sh [directory]   (default: nginx/certs)
set -eu
dir=${1:-$(dirname "$0")/certs}
mkdir -p "$dir"
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=localhost" \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  -keyout "$dir/key.pem" -out "$dir/cert.pem"
echo "wrote $dir/cert.pem and $dir/key.pem"
