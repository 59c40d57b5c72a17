# The Azure site of hybridlink's topology, as a Terraform user writes it with the azurerm
# provider: group, virtual network with GatewaySubnet and a workload subnet, Standard public
# IP, VpnGw1 route-based gateway, the stamp's local network gateway, an IPsec connection with
# the stamp's policy, a NIC and a Linux VM. armsim/acceptance/terraform.sh applies it against
# armsim unmodified (metadata discovery, client-secret login against armsim's directory),
# checks that a second plan is empty, and destroys it.

terraform {
  required_providers {
    azurerm = {
      source = "hashicorp/azurerm"
    }
  }
}

variable "metadata_host" { type = string }
variable "tenant_id" { type = string }

provider "azurerm" {
  features {}
  metadata_host                   = var.metadata_host
  subscription_id                 = "00000000-0000-0000-0000-000000000001"
  tenant_id                       = var.tenant_id
  client_id                       = "00000000-0000-0000-0000-0000000000c1"
  client_secret                   = "armsim-client-secret"
  resource_provider_registrations = "none"
}

resource "azurerm_resource_group" "site" {
  name     = "tf-site"
  location = "eastus"
}

resource "azurerm_virtual_network" "site" {
  name                = "vnet"
  resource_group_name = azurerm_resource_group.site.name
  location            = azurerm_resource_group.site.location
  address_space       = ["10.1.0.0/16"]
}

resource "azurerm_subnet" "gateway" {
  name                 = "GatewaySubnet"
  resource_group_name  = azurerm_resource_group.site.name
  virtual_network_name = azurerm_virtual_network.site.name
  address_prefixes     = ["10.1.255.0/27"]
}

resource "azurerm_subnet" "workload" {
  name                 = "workload"
  resource_group_name  = azurerm_resource_group.site.name
  virtual_network_name = azurerm_virtual_network.site.name
  address_prefixes     = ["10.1.1.0/24"]
}

resource "azurerm_public_ip" "gateway" {
  name                = "gw-pip"
  resource_group_name = azurerm_resource_group.site.name
  location            = azurerm_resource_group.site.location
  sku                 = "Standard"
  allocation_method   = "Static"
}

resource "azurerm_virtual_network_gateway" "site" {
  name                = "gw"
  resource_group_name = azurerm_resource_group.site.name
  location            = azurerm_resource_group.site.location
  type                = "Vpn"
  vpn_type            = "RouteBased"
  sku                 = "VpnGw1"
  generation          = "Generation1"

  ip_configuration {
    name                          = "default"
    public_ip_address_id          = azurerm_public_ip.gateway.id
    private_ip_address_allocation = "Dynamic"
    subnet_id                     = azurerm_subnet.gateway.id
  }
}

resource "azurerm_local_network_gateway" "stamp" {
  name                = "stack-lng"
  resource_group_name = azurerm_resource_group.site.name
  location            = azurerm_resource_group.site.location
  gateway_address     = "198.19.0.1"
  address_space       = ["10.2.0.0/16"]
}

resource "azurerm_virtual_network_gateway_connection" "stamp" {
  name                       = "to-stack"
  resource_group_name        = azurerm_resource_group.site.name
  location                   = azurerm_resource_group.site.location
  type                       = "IPsec"
  virtual_network_gateway_id = azurerm_virtual_network_gateway.site.id
  local_network_gateway_id   = azurerm_local_network_gateway.stamp.id
  shared_key                 = "hybrid-demo-key"

  # Azure Stack Hub's IPsec parameters (its gateways negotiate these and no others)
  ipsec_policy {
    ike_encryption   = "AES256"
    ike_integrity    = "SHA384"
    dh_group         = "ECP384"
    ipsec_encryption = "GCMAES256"
    ipsec_integrity  = "GCMAES256"
    pfs_group        = "ECP384"
    sa_lifetime      = 27000
    sa_datasize      = 102400000
  }
}

resource "azurerm_network_interface" "vm" {
  name                = "vm-nic"
  resource_group_name = azurerm_resource_group.site.name
  location            = azurerm_resource_group.site.location

  ip_configuration {
    name                          = "ipconfig1"
    subnet_id                     = azurerm_subnet.workload.id
    private_ip_address_allocation = "Dynamic"
  }
}

resource "azurerm_linux_virtual_machine" "vm" {
  name                            = "vm"
  resource_group_name             = azurerm_resource_group.site.name
  location                        = azurerm_resource_group.site.location
  size                            = "Standard_B2s"
  admin_username                  = "azureuser"
  admin_password                  = "Armsim-Passw0rd!"
  disable_password_authentication = false
  network_interface_ids           = [azurerm_network_interface.vm.id]

  os_disk {
    caching              = "ReadWrite"
    storage_account_type = "Standard_LRS"
  }

  source_image_reference {
    publisher = "Canonical"
    offer     = "0001-com-ubuntu-server-jammy"
    sku       = "22_04-lts-gen2"
    version   = "latest"
  }
}

output "gateway_ip" {
  value = azurerm_public_ip.gateway.ip_address
}

output "vm_private_ip" {
  value = azurerm_network_interface.vm.private_ip_address
}
