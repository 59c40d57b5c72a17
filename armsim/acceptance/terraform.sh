#!/usr/bin/env bash
# terraform.sh: Terraform with the azurerm provider against armsim, unmodified, as a user
# runs it: the provider discovers the cloud from armsim's metadata endpoint (metadata_host),
# logs in with a client secret against armsim's own directory (strict authentication: only
# its tokens are accepted), applies the Azure site of hybridlink's topology
# (terraform/main.tf), then a second plan must be empty (nothing drifts between what
# Terraform sent and what armsim answers) and destroy must leave armsim empty.
#
# Usage: armsim/acceptance/terraform.sh TERRAFORM PROVIDER_DIR   (make acceptance-terraform,
# which builds both at pinned versions into .cache/tf)
set -euo pipefail

terraform=${1:?usage: terraform.sh TERRAFORM PROVIDER_DIR}
provider_dir=${2:?usage: terraform.sh TERRAFORM PROVIDER_DIR}
# shellcheck source=armsim.sh
source "$(dirname "$0")/armsim.sh"

command -v jq >/dev/null || fail "jq is not installed (apt-get install jq)"
azure_port=$(free_port) stack_port=$(free_port)
start_armsim -azure-addr "127.0.0.1:$azure_port" -stack-addr "127.0.0.1:$stack_port"
tenant=$(tenant_of azure)

# The provider comes from PROVIDER_DIR (a development override: no registry, no init); Go's
# TLS trusts armsim's CA through SSL_CERT_FILE; Terraform keeps its state in the work dir.
cat >"$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "hashicorp/azurerm" = "$provider_dir"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE=$work/terraformrc SSL_CERT_FILE=$work/ca.pem TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
cp "$root/armsim/acceptance/terraform/main.tf" "$work/"
cd "$work"
vars=(-var "metadata_host=127.0.0.1:$azure_port" -var "tenant_id=$tenant")

resources() { curl -sf --cacert "$work/ca.pem" "https://127.0.0.1:$azure_port/_armsim/resources"; }
# site_resources: how many resources armsim holds in the site's group, the group included
site_resources() { resources | jq '[.. | objects | select(has("id")) | .id | select(test("/resourceGroups/tf-site"; "i"))] | length'; }

step "apply the Azure site"
start=$(date +%s)
"$terraform" apply -auto-approve -no-color "${vars[@]}" >"$work/apply.log" 2>&1 || { cat "$work/apply.log"; fail "apply"; }
step "applied in $(($(date +%s) - start)) s: $(grep -c 'Creation complete' "$work/apply.log") resources created"
held=$(site_resources)
# the 10 Terraform resources, plus the VM's OS disk that Compute makes with it
[[ $held == 11 ]] || { resources | jq .; fail "armsim holds $held resources in the group after apply, want 11"; }
gateway_ip=$("$terraform" output -raw gateway_ip)
[[ $gateway_ip =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "the gateway's public IP is '$gateway_ip'"

step "a second plan is empty"
set +e
"$terraform" plan -detailed-exitcode -no-color "${vars[@]}" >"$work/plan.log" 2>&1
code=$?
set -e
[[ $code == 0 ]] || { cat "$work/plan.log"; fail "the second plan exited $code (2: changes; 1: error), want 0"; }

step "destroy"
"$terraform" destroy -auto-approve -no-color "${vars[@]}" >"$work/destroy.log" 2>&1 || { cat "$work/destroy.log"; fail "destroy"; }
left=$(site_resources)
[[ $left == 0 ]] || { resources | jq .; fail "$left resources are left in armsim after destroy"; }
step "ok"
