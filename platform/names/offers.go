package names

import (
	"fmt"
	"regexp"
	"strings"
)

var (
	// ARM location short names: eastus, westeurope, germanywestcentral, or a stamp's region.
	locationRule = regexp.MustCompile(`^[a-z][a-z0-9]{0,39}$`)
	// Marketplace publisher, offer and SKU ids: Canonical, 0001-com-ubuntu-server-jammy,
	// 22_04-lts-gen2, 18.04-LTS.
	imagePartRule = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
)

// Location is a parsed location name, clouds/{cloud}/locations/{location}.
type Location struct {
	Cloud, Location string
}

// String returns the name.
func (l Location) String() string { return "clouds/" + l.Cloud + "/locations/" + l.Location }

// ParseLocation parses clouds/{cloud}/locations/{location}.
func ParseLocation(name string) (Location, error) {
	parts := strings.Split(name, "/")
	if len(parts) != 4 || parts[0] != "clouds" || parts[2] != "locations" {
		return Location{}, fmt.Errorf("%q is not of the form clouds/{cloud}/locations/{location}", name)
	}
	l := Location{Cloud: parts[1], Location: parts[3]}
	if err := CheckCloud(l.Cloud); err != nil {
		return Location{}, err
	}
	return l, CheckLocation(l.Location)
}

// CheckLocation checks an ARM location's short name.
func CheckLocation(location string) error {
	if !locationRule.MatchString(location) {
		return fmt.Errorf("location %q must be ARM's short name: 1-40 lower-case letters and digits starting with a letter, such as eastus or westeurope", location)
	}
	return nil
}

// ImageSKU is a parsed marketplace image SKU name,
// clouds/{cloud}/locations/{location}/publishers/{publisher}/offers/{offer}/skus/{sku}.
type ImageSKU struct {
	Location
	Publisher, Offer, SKU string
}

// String returns the name.
func (i ImageSKU) String() string {
	return i.Location.String() + "/publishers/" + i.Publisher + "/offers/" + i.Offer + "/skus/" + i.SKU
}

// ParseImageSKU parses an image SKU name.
func ParseImageSKU(name string) (ImageSKU, error) {
	const want = "clouds/{cloud}/locations/{location}/publishers/{publisher}/offers/{offer}/skus/{sku}"
	parts := strings.Split(name, "/")
	if len(parts) != 10 || parts[4] != "publishers" || parts[6] != "offers" || parts[8] != "skus" {
		return ImageSKU{}, fmt.Errorf("%q is not of the form %s", name, want)
	}
	l, err := ParseLocation(strings.Join(parts[:4], "/"))
	if err != nil {
		if !strings.HasPrefix(name, "clouds/") || parts[2] != "locations" {
			return ImageSKU{}, fmt.Errorf("%q is not of the form %s", name, want)
		}
		return ImageSKU{}, err
	}
	i := ImageSKU{Location: l, Publisher: parts[5], Offer: parts[7], SKU: parts[9]}
	for _, p := range []struct{ what, v string }{{"publisher", i.Publisher}, {"offer", i.Offer}, {"sku", i.SKU}} {
		if err := CheckImagePart(p.what, p.v); err != nil {
			return ImageSKU{}, err
		}
	}
	return i, nil
}

// CheckImagePart checks a marketplace image's publisher, offer or SKU id (what names it).
func CheckImagePart(what, id string) error {
	if !imagePartRule.MatchString(id) {
		return fmt.Errorf("image %s %q must be 1-64 letters, digits, '.', '-' and '_', starting with a letter or digit", what, id)
	}
	return nil
}
