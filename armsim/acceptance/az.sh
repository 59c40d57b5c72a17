#!/usr/bin/env bash
# az.sh: Debian's azure-cli (2.45.0-1, bookworm) against armsim as a user would: register
# armsim's Azure cloud, log in with a service principal against armsim's own directory
# (strict authentication: only its tokens are accepted), list accounts, build the Azure
# site of hybridlink's topology (group, vnet with GatewaySubnet, public IP, VPN gateway,
# local network gateway, connection with the stamp's IPsec policy, NIC, VM), list it with
# az resource list, and delete it; each command's result is asserted. Then the stamp:
# an AD FS stamp: register, log in, list accounts, group, vnet, as far as Debian's packaging
# allows. (An Entra ID stamp's login would go, through MSAL's instance discovery, to Entra
# ID's global host, which the login proxy sends to the Azure cloud's directory, whose tokens
# the stamp does not accept: each armsim cloud has its own directory.)
#
# Usage: armsim/acceptance/az.sh   (make acceptance-az; needs azure-cli=2.45.0-1 and jq)
set -euo pipefail

AZ_VERSION=2.45.0
# shellcheck source=armsim.sh
source "$(dirname "$0")/armsim.sh"

# expect JQ WANT JSON: the jq expression applied to JSON must print WANT
expect() {
	local got
	got=$(jq -r "$1" <<<"$3") || fail "jq $1 on: $3"
	[[ $got == "$2" ]] || fail "$1 = '$got', want '$2'"
}

command -v az >/dev/null || fail "az is not installed (apt-get install azure-cli=$AZ_VERSION-1)"
command -v jq >/dev/null || fail "jq is not installed (apt-get install jq)"
got_version=$(az version --query '"azure-cli"' -o tsv 2>/dev/null)
[[ $got_version == "$AZ_VERSION" ]] || fail "azure-cli $got_version, this script is pinned to $AZ_VERSION"

azure_port=$(free_port) stack_port=$(free_port) adfs_port=$(free_port) proxy_port=$(free_port)
start_armsim -azure-addr "127.0.0.1:$azure_port" -stack-addr "127.0.0.1:$stack_port" -stamp "adfs-stamp=127.0.0.1:$adfs_port,adfs" \
	-login-proxy "127.0.0.1:$proxy_port"
azure_tenant=$(tenant_of azure)
adfs_tenant=$(tenant_of adfs-stamp)

# az keeps its state here, trusts only armsim's CA, and reaches Entra ID's global host
# (MSAL's instance discovery, which az 2.45 always runs for Entra ID authorities) through
# armsim's login proxy; everything else goes to armsim directly.
export AZURE_CONFIG_DIR=$work/az AZURE_CORE_COLLECT_TELEMETRY=0 AZURE_CORE_OUTPUT=json AZURE_CORE_ONLY_SHOW_ERRORS=1
export REQUESTS_CA_BUNDLE=$work/ca.pem HTTPS_PROXY=http://127.0.0.1:$proxy_port NO_PROXY=127.0.0.1
sp=00000000-0000-0000-0000-0000000000c1 secret=armsim-client-secret sub=00000000-0000-0000-0000-000000000001

# --- Azure ---------------------------------------------------------------------------------
# The latest profile's network (2022-01-01) and compute (2022-11-01) SDKs are not in Debian's
# python3-azure, so az network and az vm fail to load on it: the cloud uses the
# 2020-09-01-hybrid profile, whose versions Azure still serves.
step "azure: register the cloud from its metadata"
az cloud register -n armsim-azure --endpoint-resource-manager "https://127.0.0.1:$azure_port/" --profile 2020-09-01-hybrid >/dev/null
az cloud set -n armsim-azure >/dev/null
cloud=$(az cloud show -n armsim-azure)
expect .endpoints.activeDirectory "https://127.0.0.1:$azure_port/" "$cloud"
expect .endpoints.activeDirectoryResourceId "https://management.core.windows.net/" "$cloud"

step "azure: log in with the service principal against armsim's directory"
accounts=$(az login --service-principal -u "$sp" -p "$secret" --tenant "$azure_tenant")
expect 'length' 1 "$accounts"
expect '.[0].id' "$sub" "$accounts"
expect '.[0].tenantId' "$azure_tenant" "$accounts"
expect '.[0].user.type' servicePrincipal "$accounts"
expect '.[0].id' "$sub" "$(az account list)"
if az login --service-principal -u "$sp" -p wrong --tenant "$azure_tenant" >"$work/out" 2>&1; then fail "a wrong secret logged in"; fi
grep -q AADSTS7000215 "$work/out" || fail "a wrong secret: $(cat "$work/out")"
az login --service-principal -u "$sp" -p "$secret" --tenant "$azure_tenant" >/dev/null

rg=site-rg
step "azure: group"
expect .properties.provisioningState Succeeded "$(az group create -n $rg -l eastus)"
step "azure: virtual network with GatewaySubnet, and a workload subnet"
vnet=$(az network vnet create -g $rg -n vnet --address-prefixes 10.1.0.0/16 --subnet-name GatewaySubnet --subnet-prefixes 10.1.255.0/27)
expect .newVNet.provisioningState Succeeded "$vnet"
expect '.newVNet.subnets[0].name' GatewaySubnet "$vnet"
expect .provisioningState Succeeded "$(az network vnet subnet create -g $rg --vnet-name vnet -n workload --address-prefixes 10.1.1.0/24)"
step "azure: public IP"
pip=$(az network public-ip create -g $rg -n gw-pip --sku Standard --allocation-method Static)
expect .publicIp.sku.name Standard "$pip"
expect .publicIp.provisioningState Succeeded "$pip"
# Debian's python3-azure ships azure-mgmt-network's models but none of its operations, so
# every az network command built on that SDK fails (ModuleNotFoundError:
# azure.mgmt.network.v2018_11_01.operations): vnet-gateway, vpn-connection (and its
# ipsec-policy, shared-key), nic. Those resources are PUT with az resource create, which
# takes the api-version from armsim's providers list.
step "azure: VPN gateway (az resource create)"
pip_id=$(jq -r .publicIp.id <<<"$pip")
gw_subnet=$(jq -r '.newVNet.subnets[0].id' <<<"$vnet")
gw=$(az resource create -g $rg -n gw --resource-type Microsoft.Network/virtualNetworkGateways --location eastus --properties \
	"{\"gatewayType\":\"Vpn\",\"vpnType\":\"RouteBased\",\"sku\":{\"name\":\"VpnGw1\",\"tier\":\"VpnGw1\"},\"ipConfigurations\":[{\"name\":\"default\",\"properties\":{\"subnet\":{\"id\":\"$gw_subnet\"},\"publicIPAddress\":{\"id\":\"$pip_id\"}}}]}")
expect .properties.provisioningState Succeeded "$gw"
expect .properties.sku.capacity 2 "$gw"
gw_ip=$(az resource show -g $rg -n gw-pip --resource-type Microsoft.Network/publicIPAddresses --query properties.ipAddress -o tsv)
[[ $gw_ip == 198.18.* ]] || fail "the gateway's public IP: $gw_ip"
expect '.properties.bgpSettings.bgpPeeringAddresses[0].tunnelIpAddresses[0]' "$gw_ip" "$(az resource show --ids "$(jq -r .id <<<"$gw")")"
step "azure: local network gateway (the stamp's side)"
lng=$(az network local-gateway create -g $rg -n stack-lng --gateway-ip-address 198.19.0.1 --local-address-prefixes 10.2.0.0/16)
expect .provisioningState Succeeded "$lng"
expect '.localNetworkAddressSpace.addressPrefixes[0]' 10.2.0.0/16 "$lng"

# az network vpn-connection create deploys an ARM template (Microsoft.Resources/deployments):
# armsim applies it through the same engine as a PUT. ipsec-policy add is SDK-based, so the
# stamp's IPsec policy is set with az resource update.
step "azure: connection (az network vpn-connection create: a template deployment), then the stamp's IPsec policy"
conn=$(az network vpn-connection create -g $rg -n to-stack --vnet-gateway1 gw --local-gateway2 stack-lng --shared-key hybrid-demo-key --routing-weight 0)
expect .resource.provisioningState Succeeded "$conn"
expect .resource.routingWeight 0 "$conn"
conn_id=$(az resource show -g $rg -n to-stack --resource-type Microsoft.Network/connections --query id -o tsv)
conn=$(az resource update --ids "$conn_id" --set 'properties.ipsecPolicies=[{"saLifeTimeSeconds":27000,"saDataSizeKilobytes":102400000,"ipsecEncryption":"GCMAES256","ipsecIntegrity":"GCMAES256","ikeEncryption":"AES256","ikeIntegrity":"SHA384","dhGroup":"ECP384","pfsGroup":"ECP384"}]')
expect '.properties.ipsecPolicies[0].pfsGroup' ECP384 "$conn"
expect .properties.sharedKey null "$conn"
conn=$(az resource show --ids "$conn_id")
expect .properties.provisioningState Succeeded "$conn"
expect .properties.connectionStatus NotConnected "$conn" # nothing answers at 198.19.0.1: the stamp's side is not built
expect 'length' 1 "$(az deployment group list -g $rg)"

step "azure: network interface (az resource create)"
workload=$(az network vnet subnet show -g $rg --vnet-name vnet -n workload --query id -o tsv)
nic=$(az resource create -g $rg -n vm-nic --resource-type Microsoft.Network/networkInterfaces --location eastus --properties \
	"{\"ipConfigurations\":[{\"name\":\"ipconfig1\",\"properties\":{\"subnet\":{\"id\":\"$workload\"}}}]}")
expect .properties.provisioningState Succeeded "$nic"
expect '.properties.ipConfigurations[0].properties.privateIPAddress' 10.1.1.4 "$nic"
# az vm create deploys an ARM template too
step "azure: virtual machine (az vm create: a template deployment)"
nic_id=$(jq -r .id <<<"$nic")
vm=$(az vm create -g $rg -n vm --nics "$nic_id" --image Canonical:0001-com-ubuntu-server-jammy:22_04-lts:latest --size Standard_B2s \
	--admin-username azureuser --admin-password Hybrid-Demo-1 --authentication-type password)
expect .powerState "VM running" "$vm"
expect .privateIpAddress 10.1.1.4 "$vm"
vm=$(az vm show -g $rg -n vm)
expect .storageProfile.osDisk.caching ReadWrite "$vm"
expect .storageProfile.osDisk.managedDisk.id "/subscriptions/$sub/resourceGroups/$rg/providers/Microsoft.Compute/disks/$(jq -r .storageProfile.osDisk.name <<<"$vm")" "$vm"
iv=$(az vm get-instance-view -g $rg -n vm)
expect '.instanceView.statuses[1].code' PowerState/running "$iv"
expect .instanceView.osName ubuntu "$iv"

step "azure: a template of our own: what-if (Create), deployment group create, what-if again (NoChange)"
cat >"$work/spoke.json" <<'JSON'
{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {"prefix": {"type": "string", "defaultValue": "10.9.0.0/16"}},
  // az sends the template's text as is, comments included
  "resources": [{"type": "Microsoft.Network/virtualNetworks", "apiVersion": "2018-11-01", "name": "spoke",
    "location": "[resourceGroup().location]", "properties": {"addressSpace": {"addressPrefixes": ["[parameters('prefix')]"]}}}],
  "outputs": {"id": {"type": "string", "value": "[resourceId('Microsoft.Network/virtualNetworks', 'spoke')]"}}
}
JSON
expect '[.changes[] | select(.changeType == "Create")] | length' 1 "$(az deployment group what-if -g $rg --template-file "$work/spoke.json" --no-pretty-print)"
dep=$(az deployment group create -g $rg -n spoke --template-file "$work/spoke.json")
expect .properties.provisioningState Succeeded "$dep"
expect .properties.outputs.id.value "/subscriptions/$sub/resourceGroups/$rg/providers/Microsoft.Network/virtualNetworks/spoke" "$dep"
expect '[.changes[] | select(.resourceId | endswith("/spoke")) | .changeType] | join(",")' NoChange "$(az deployment group what-if -g $rg --template-file "$work/spoke.json" --no-pretty-print)"
az network vnet delete -g $rg -n spoke

step "azure: az resource list"
list=$(az resource list -g $rg)
expect '[.[].type] | sort | join(",")' "Microsoft.Compute/disks,Microsoft.Compute/virtualMachines,Microsoft.Network/connections,Microsoft.Network/localNetworkGateways,Microsoft.Network/networkInterfaces,Microsoft.Network/publicIPAddresses,Microsoft.Network/virtualNetworkGateways,Microsoft.Network/virtualNetworks" "$list"
expect 'length' 1 "$(az resource list --resource-type Microsoft.Network/connections)"
expect 'length' 3 "$(az deployment group list -g $rg)"

step "azure: delete"
az group delete -n $rg --yes
expect . false "$(az group exists -n $rg)"
expect 'length' 0 "$(az resource list)"

# --- Azure Stack Hub (AD FS) ------------------------------------------------------------------
step "stamp: register the AD FS stamp from its metadata, on the 2020-09-01-hybrid profile"
az cloud register -n armsim-stack --endpoint-resource-manager "https://127.0.0.1:$adfs_port/" --profile 2020-09-01-hybrid >/dev/null
az cloud set -n armsim-stack >/dev/null
cloud=$(az cloud show -n armsim-stack)
expect .endpoints.activeDirectory "https://127.0.0.1:$adfs_port/adfs" "$cloud"
expect '.endpoints.activeDirectoryResourceId | startswith("https://management.adfs.azurestack.local/")' true "$cloud"
# az resolves a tenant that is not a GUID at {authority}/{tenant}/.well-known/..., which for
# AD FS (authority .../adfs) is no AD FS path: the stamp's tenant GUID is given, and az
# discards it for AD FS authorities anyway.
step "stamp: log in against the stamp's AD FS, list accounts"
accounts=$(az login --service-principal -u "$sp" -p "$secret" --tenant "$adfs_tenant")
expect '.[0].id' "$sub" "$accounts"
expect '.[0].cloudName' armsim-stack "$(az account list)"
step "stamp: group"
expect .properties.provisioningState Succeeded "$(az group create -n $rg -l local)"
# az 2.45 registers network vnet create from its latest profile's generated code whatever the
# cloud's profile, so it sends an api-version no stamp serves (az's doing, not Debian's):
# the stamp refuses it, as a real one would, and the vnet is PUT with az resource create,
# which takes the stamp's newest version (2018-11-01) from its providers list.
step "stamp: az network vnet create is refused with the stamp's supported versions"
if az network vnet create -g $rg -n vnet --address-prefixes 10.2.0.0/16 >"$work/out" 2>&1; then fail "a latest-profile api-version was accepted by the stamp"; fi
grep -q "NoRegisteredProviderFound" "$work/out" && grep -q "2018-11-01" "$work/out" || fail "vnet create on the stamp: $(cat "$work/out")"
step "stamp: virtual network with GatewaySubnet (az resource create), local network gateway"
vnet=$(az resource create -g $rg -n vnet --resource-type Microsoft.Network/virtualNetworks --location local --properties \
	'{"addressSpace":{"addressPrefixes":["10.2.0.0/16"]},"subnets":[{"name":"GatewaySubnet","properties":{"addressPrefix":"10.2.255.0/27"}}]}')
expect .properties.provisioningState Succeeded "$vnet"
expect '.properties.subnets[0].name' GatewaySubnet "$vnet"
lng=$(az network local-gateway create -g $rg -n azure-lng --gateway-ip-address "$gw_ip" --local-address-prefixes 10.1.0.0/16)
expect .provisioningState Succeeded "$lng"
expect 'length' 2 "$(az resource list -g $rg)"
step "stamp: delete"
az group delete -n $rg --yes
expect . false "$(az group exists -n $rg)"
step "PASS"
