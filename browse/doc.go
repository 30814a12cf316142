// Package browse shows what an offline snapshot holds the way kubectl
// shows a live cluster: `get` (kubectl's tables, -o wide, name, yaml,
// json), `describe` (kubectl describe's layout, with the object's events)
// and `logs` (a container's log, --previous, --since, --tail). It is what
// `omc` and `sbctl` give support engineers, over every input analyze
// reads: the inputs are read through load.Entries, so a reader the
// loader gains is browsable too.
//
// Three rules hold everywhere:
//
//   - Streaming. Objects are decoded one at a time as the input streams
//     by, and only those the command asked for; a table keeps its rows (a
//     few strings each), -o yaml/json the selected objects' JSON
//     compressed, and a log is copied line by line. `get pods` on a
//     50,000-pod bundle never holds the pods decoded.
//   - What was collected, never a Secret's data. Objects are decoded in
//     full (the analysis slims them; browsing must not), but the values of
//     a Secret's data are replaced by their size wherever they would show.
//   - Terminal-safe. Every string read from an input is printed through
//     internal/visible: control characters and escape sequences become
//     visible text (\x1b), so a hostile bundle cannot drive the terminal.
//
// Times relative to "now" in kubectl (AGE, RESTARTS' "ago", an event's
// last seen) are relative to when the snapshot was collected: the bundle
// manifest's createdAt; for inputs without one (a cluster-info dump, loose
// kubectl output), the newest time an event records; failing that, the
// newest creation time among the objects shown.
package browse
