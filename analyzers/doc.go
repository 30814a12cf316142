// Package analyzers turns what was read into facts: BuildFacts derives,
// from the objects in the kinds tables, the log symptoms and Envoy admin
// data, the rule-facing facts (facts.go) and the indexes that relate them.
// It reads nothing itself: package load reads the inputs and calls it.
package analyzers
