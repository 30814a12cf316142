package analyzers_test

import (
	"path/filepath"
	"reflect"
	"testing"

	"github.com/nohealthy/nohealthy/analyzers"
	"github.com/nohealthy/nohealthy/load"
)

// TestSymptomFactsSameOnAnyNumberOfWorkers: facts derived on several
// goroutines (one interner each, counts added afterwards) equal the ones
// derived on one, Service counts included. Run under -race it also checks
// the workers only read the builder.
func TestSymptomFactsSameOnAnyNumberOfWorkers(t *testing.T) {
	cases, _ := filepath.Glob(filepath.Join("..", "testdata", "bundles", "*", "bundle"))
	if len(cases) == 0 {
		t.Fatal("no corpus cases")
	}
	defer func(n int) { *analyzers.SymptomsPerWorker = n }(*analyzers.SymptomsPerWorker)
	checked := 0
	for _, c := range cases {
		*analyzers.SymptomsPerWorker = 1 << 30
		one, err := load.Inputs([]string{c}, load.Options{})
		if err != nil {
			t.Fatal(err)
		}
		*analyzers.SymptomsPerWorker = 1
		many, err := load.Inputs([]string{c}, load.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(one.Facts.Symptoms) > 1 {
			checked++
		}
		if !reflect.DeepEqual(one.Facts.Symptoms, many.Facts.Symptoms) || !reflect.DeepEqual(one.Facts.Services, many.Facts.Services) ||
			!reflect.DeepEqual(one.Facts.Cluster, many.Facts.Cluster) {
			t.Errorf("%s: facts differ between one and several workers", c)
		}
	}
	if checked < 10 {
		t.Errorf("only %d cases with several symptoms", checked)
	}
}
