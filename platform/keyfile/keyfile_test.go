package keyfile_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/hybridlink/hybridlink/platform/keyfile"
)

// TestCreateAtOnce: of processes creating one key file at once, exactly one writes it, and
// the file holds that one's data whole.
func TestCreateAtOnce(t *testing.T) {
	for round := range 20 {
		path := filepath.Join(t.TempDir(), "state", "operations.key")
		wrote := make([]bool, 16)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range wrote {
			wg.Go(func() {
				<-start
				ok, err := keyfile.Create(path, []byte(fmt.Sprintf("key of writer %02d\n", i)))
				if err != nil {
					t.Error(err)
				}
				wrote[i] = ok
			})
		}
		close(start)
		wg.Wait()
		var winners []int
		for i, ok := range wrote {
			if ok {
				winners = append(winners, i)
			}
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if len(winners) != 1 || string(b) != fmt.Sprintf("key of writer %02d\n", winners[0]) {
			t.Fatalf("round %d: writers %v, file %q; want exactly one, whose data the file holds", round, winners, b)
		}
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("round %d: mode %v (%v); want 0600", round, fi.Mode(), err)
		}
	}
}
