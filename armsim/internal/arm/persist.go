package arm

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
)

// snapshot is the state file's content: every resource and every operation, and how many
// operations each resource has started (which the durations of the next ones are drawn by).
type snapshot struct {
	Entries []persistedEntry      `json:"entries"`
	Ops     map[string]*operation `json:"operations"`
	Started map[string]int        `json:"started,omitempty"`
}

type persistedEntry struct {
	entry
	Res json.RawMessage `json:"res"`
}

// persist writes the state file atomically (write to a temporary file, then rename) so a
// crash leaves the previous state or the new one, never half of one. Runs under e.mu.
func (e *Engine) persist() {
	if e.opts.StateFile == "" || !e.dirty {
		return
	}
	e.dirty = false
	if err := e.writeState(); err != nil {
		// the emulator keeps serving from memory; the next write tries again
		fmt.Fprintln(os.Stderr, "armsim: writing state file:", err)
	}
}

func (e *Engine) writeState() error {
	s := snapshot{Ops: e.ops, Started: e.started}
	for _, k := range sortedEntryKeys(e.entries) {
		en := e.entries[k]
		raw, err := json.Marshal(en.Res)
		if err != nil {
			return err
		}
		s.Entries = append(s.Entries, persistedEntry{entry: *en, Res: raw})
	}
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	dir := filepath.Dir(e.opts.StateFile)
	tmp, err := os.CreateTemp(dir, ".armsim-state-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), e.opts.StateFile)
}

// load restores the state file, if there is one.
func (e *Engine) load() error {
	b, err := os.ReadFile(e.opts.StateFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("armsim: read state file: %w", err)
	}
	var s snapshot
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("armsim: state file %s is not valid: %w", e.opts.StateFile, err)
	}
	for _, pe := range s.Entries {
		k := kinds[pe.Kind]
		if k == nil || e.clouds[strings.ToLower(pe.Cloud)] == nil {
			return fmt.Errorf("armsim: state file %s holds a %q resource on cloud %q this configuration does not know", e.opts.StateFile, pe.Kind, pe.Cloud)
		}
		res := k.newRes()
		if err := json.Unmarshal(pe.Res, res); err != nil {
			return fmt.Errorf("armsim: state file: %w", err)
		}
		en := pe.entry
		en.Res = res
		refs := unkey(en.Refs)
		e.put(&en, refs)
		if d, ok := res.(*Deployment); ok && d.Properties.ProvisioningState == "Running" {
			e.deploying[en.key()] = struct{}{}
		}
		if pip, ok := res.(*PublicIPAddress); ok && pip.Properties.IPAddress != "" {
			if a, err := netip.ParseAddr(pip.Properties.IPAddress); err == nil {
				e.internet[a] = en.key()
			}
		}
	}
	if s.Ops != nil {
		e.ops = s.Ops
	}
	if s.Started != nil {
		e.started = s.Started
	}
	for id, op := range e.ops {
		if op.Status == statusInProgress {
			e.pending[id] = op
		}
	}
	return nil
}

func sortedEntryKeys(m map[string]*entry) []string {
	set := make(map[string]struct{}, len(m))
	for k := range m {
		set[k] = struct{}{}
	}
	return sortedKeys(set)
}
