package service

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hybridlink/hybridlink/platform/cloud"
)

// DefaultWrites are the ARM writes a second the orchestrator takes from a cloud's
// subscription by kind: 90% of ARM's budget (public Azure refills 10 writes a second; Azure
// Stack Hub stamps keep ARM's older limit of 1,200 writes an hour). The headroom leaves room
// for other clients of the subscription and for the time between a step's start and its
// write reaching ARM. Temporal's task-queue limit is a rate without a burst.
var DefaultWrites = map[cloud.Kind]float64{cloud.Azure: 9, cloud.AzureStackHub: 1080.0 / 3600}

// Writes are ARM writes a second by cloud id, set by the repeatable flag cloud=N (a second)
// or cloud=N/h (an hour).
type Writes map[string]float64

// On returns the writes a second on c: its own as given, else its kind's default divided by
// timeScale (armsim's, when less than 1).
func (w Writes) On(c cloud.Cloud, timeScale float64) float64 {
	if r, ok := w[c.ID]; ok {
		return r
	}
	if timeScale <= 0 {
		timeScale = 1
	}
	return DefaultWrites[c.Kind] / timeScale
}

// Set parses one cloud=N or cloud=N/h.
func (w *Writes) Set(s string) error {
	id, rate, ok := strings.Cut(s, "=")
	per := time.Second
	if n, ok := strings.CutSuffix(rate, "/h"); ok {
		rate, per = n, time.Hour
	} else if n, ok := strings.CutSuffix(rate, "/s"); ok {
		rate = n
	}
	n, err := strconv.ParseFloat(rate, 64)
	if !ok || id == "" || err != nil || n <= 0 {
		return fmt.Errorf("%q: want cloud=N writes a second or cloud=N/h an hour, e.g. azure=9 or azure-stack-hub=1080/h", s)
	}
	if *w == nil {
		*w = Writes{}
	}
	(*w)[id] = n / per.Seconds()
	return nil
}

// String lists the rates, for a flag's default.
func (w *Writes) String() string {
	if w == nil {
		return ""
	}
	var parts []string
	for _, id := range slices.Sorted(maps.Keys(*w)) {
		parts = append(parts, id+"="+strconv.FormatFloat((*w)[id], 'g', -1, 64))
	}
	return strings.Join(parts, ",")
}
