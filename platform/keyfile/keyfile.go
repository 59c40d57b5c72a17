// Package keyfile writes the keys services generate for development into a state folder so
// that processes starting at once on one folder (replicas, or services sharing it) all end up
// with the same key, and none reads one half-written.
package keyfile

import (
	"errors"
	"os"
	"path/filepath"
)

// Create writes data to path (mode 0600, making its folder) unless a file is there already,
// and reports whether it wrote it. The data is written whole to a temporary file and linked
// into place, which fails for all but the first of processes doing so at once: the others
// read the first one's.
func Create(path string, data []byte) (bool, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return false, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*")
	if err != nil {
		return false, err
	}
	defer os.Remove(tmp.Name())
	_, werr := tmp.Write(data)
	if err := errors.Join(werr, tmp.Close()); err != nil {
		return false, err
	}
	switch err := os.Link(tmp.Name(), path); {
	case errors.Is(err, os.ErrExist):
		return false, nil
	case err != nil:
		return false, err
	}
	return true, nil
}
