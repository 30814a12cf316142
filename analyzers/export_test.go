package analyzers

// SymptomsPerWorker lets the external tests, which load the corpus through
// package load, set how many symptom groups make a worker.
var SymptomsPerWorker = &symptomsPerWorker
