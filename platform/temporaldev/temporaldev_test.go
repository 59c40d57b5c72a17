package temporaldev

import (
	"context"
	"net"
	"path/filepath"
	"testing"
)

// TestStartStop starts the dev server on free ports with an SQLite file and stops it.
func TestStartStop(t *testing.T) {
	s, err := Start(context.Background(), Options{DBFile: filepath.Join(t.TempDir(), "temporal.db"), Headless: true})
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.Dial("tcp", s.Address)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	s.Stop()
	if c, err := net.Dial("tcp", s.Address); err == nil {
		c.Close()
		t.Fatal("the server still listens after Stop")
	}
}
