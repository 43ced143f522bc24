#!/usr/bin/env bash
# Regenerates the generated seeds (the gen-* files) of the fuzzing corpora with OpenSSL's
# `openssl cms` from the committed test PKI (certs-test), so that mutations of them reach the
# decrypting and verifying paths of the targets, whose fixed keys are recipient-rsa2048,
# recipient-ecdh-p256 and the root CA. Every run makes new random keys and IVs; the seeds are
# committed, so running this is only needed when the test PKI changes.
#
#   fuzz/corpus/make-seeds.sh
set -euo pipefail
cd "$(dirname "$0")"
certs=../../certs-test
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

signer=(-signer "$certs/signer-rsa2048.pem" -inkey "$certs/signer-rsa2048.key.pem" -certfile "$certs/intermediate.pem")
ecsigner=(-signer "$certs/signer-ecdsa-p256.pem" -inkey "$certs/signer-ecdsa-p256.key.pem" -certfile "$certs/intermediate.pem")
rsa=$certs/recipient-rsa2048.pem
ec=$certs/recipient-ecdh-p256.pem
headers=(-from alice@example.com -to bob@example.com -subject "Fuzz seed")

# The detached content the signed-data target verifies against (CmsTargets.DetachedContent).
printf 'Content-Type: text/plain\r\n\r\nSmimeGraph fuzz seed\r\n' >"$work/detached.txt"
printf 'Hello Bob,\r\nthe figures: EUR 100.\r\n' >"$work/body.txt"

# signed-data: SignedData ContentInfos (DER).
out=signed-data
openssl cms -sign -binary -md sha256 "${signer[@]}" -in "$work/detached.txt" -outform DER -out $out/gen-rsa-sha256-detached.der
openssl cms -sign -binary -md sha256 "${signer[@]}" -noattr -in "$work/detached.txt" -outform DER -out $out/gen-rsa-noattr-detached.der
openssl cms -sign -binary -md sha384 "${signer[@]}" -nodetach -keyopt rsa_padding_mode:pss -in "$work/detached.txt" -outform DER -out $out/gen-rsa-pss-sha384-opaque.der
openssl cms -sign -binary -md sha256 "${ecsigner[@]}" -nodetach -in "$work/detached.txt" -outform DER -out $out/gen-ecdsa-sha256-opaque.der
openssl cms -sign -binary -md sha512 "${ecsigner[@]}" -nocerts -keyid -in "$work/detached.txt" -outform DER -out $out/gen-ecdsa-sha512-keyid-nocerts.der

# enveloped-data: EnvelopedData / AuthEnvelopedData ContentInfos (DER) to the fixed keys.
out=enveloped-data
openssl cms -encrypt -binary -aes-128-cbc -in "$work/body.txt" -outform DER -out $out/gen-rsa-aes128cbc.der "$rsa"
openssl cms -encrypt -binary -aes-256-cbc -in "$work/body.txt" -outform DER -out $out/gen-rsa-oaep-sha256-aes256cbc.der -recip "$rsa" -keyopt rsa_padding_mode:oaep -keyopt rsa_oaep_md:sha256
openssl cms -encrypt -binary -aes-128-cbc -in "$work/body.txt" -outform DER -out $out/gen-ecdh-aes128cbc.der "$ec"
openssl cms -encrypt -binary -aes-256-gcm -in "$work/body.txt" -outform DER -out $out/gen-rsa-aes256gcm.der "$rsa"
openssl cms -encrypt -binary -aes-192-gcm -keyid -in "$work/body.txt" -outform DER -out $out/gen-ecdh-keyid-aes192gcm.der "$ec"
openssl cms -encrypt -binary -aes-256-cbc -in "$work/body.txt" -outform DER -out $out/gen-rsa-and-ecdh-aes256cbc.der "$rsa" "$ec"

# content-info: the other content types the dispatch must pass over, plus one of each reader's.
out=content-info
openssl cms -data_create -binary -in "$work/body.txt" -outform DER -out $out/gen-data.der
openssl cms -digest_create -binary -in "$work/body.txt" -outform DER -out $out/gen-digested.der
openssl cms -EncryptedData_encrypt -binary -aes128 -secretkey 000102030405060708090A0B0C0D0E0F -in "$work/body.txt" -outform DER -out $out/gen-encrypted.der
cp signed-data/gen-ecdsa-sha256-opaque.der enveloped-data/gen-rsa-aes256gcm.der enveloped-data/gen-ecdh-aes128cbc.der $out/

# inspector: whole S/MIME messages from alice@example.com to bob@example.com.
out=inspector
openssl cms -sign -md sha256 "${signer[@]}" -text "${headers[@]}" -in "$work/body.txt" -out $out/gen-signed-multipart.eml
openssl cms -sign -md sha256 "${ecsigner[@]}" -nodetach -text "${headers[@]}" -in "$work/body.txt" -out $out/gen-signed-opaque-ecdsa.eml
openssl cms -sign -md sha256 "${signer[@]}" -text -in "$work/body.txt" -out "$work/signed.eml"
openssl cms -encrypt -aes-256-cbc "${headers[@]}" -in "$work/signed.eml" -out $out/gen-signed-then-encrypted-rsa.eml "$rsa"
openssl cms -encrypt -aes-128-gcm "${headers[@]}" -in "$work/signed.eml" -out $out/gen-signed-then-encrypted-ecdh-gcm.eml "$ec"
openssl cms -encrypt -aes-128-cbc -text "${headers[@]}" -in "$work/body.txt" -out $out/gen-encrypted-only-rsa.eml "$rsa"
