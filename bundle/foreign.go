package bundle

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"
)

// The readers of other tools' files that are neither objects nor plain
// logs: what they say is read here, how it is used is the loader's.

// bugReportPrevious and bugReportPreviousPresent are the marker lines
// istioctl bug-report writes around a container's previous log (istio/istio
// tools/bug-report/pkg/bugreport/bugreport.go, getLog): the log then reads
// "present" marker, blank line, the current log, two newlines, the
// "previous" marker, blank line, the previous log.
const (
	bugReportPreviousPresent = "========= Previous log present (appended at the end) ========="
	bugReportPrevious        = "========= Previous log ========="
)

// SplitBugReportLog reads an istioctl bug-report container log and calls
// fn with the current instance's log and then, when the file holds one, the
// previous instance's. Lines are streamed: memory stays bounded by
// lim.MaxLineBytes however long the log. fn must read its body to the end
// (or return an error, which ends the split and is returned).
func SplitBugReportLog(r io.Reader, lim Limits, fn func(previous bool, body io.Reader) error) error {
	lim = lim.WithDefaults()
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(len(bugReportPreviousPresent) + 2)
	if !bytes.HasPrefix(head, []byte(bugReportPreviousPresent)) {
		return fn(false, br)
	}
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	previous := false
	go func(pr *io.PipeReader) { done <- fn(false, pr) }(pr)
	first := true
	var err error
	for {
		var line []byte
		line, err = readLine(br, lim.MaxLineBytes)
		if len(line) == 0 && err != nil {
			break
		}
		trimmed := strings.TrimRight(string(bytes.TrimRight(line, "\n")), "\r")
		switch {
		case first && trimmed == bugReportPreviousPresent:
			first = false
			continue
		case !previous && trimmed == bugReportPrevious:
			previous = true
			pw.Close()
			if ferr := <-done; ferr != nil {
				return ferr
			}
			pr, pw = io.Pipe()
			go func(pr *io.PipeReader) { done <- fn(true, pr) }(pr)
			continue
		}
		first = false
		if _, werr := pw.Write(line); werr != nil {
			break // fn stopped reading
		}
		if err != nil {
			break
		}
	}
	if err == io.EOF {
		err = nil
	}
	pw.CloseWithError(err)
	if ferr := <-done; ferr != nil {
		return ferr
	}
	return err
}

// readLine reads one line with its newline; a longer line than max is
// returned in pieces of at most max bytes.
func readLine(br *bufio.Reader, max int) ([]byte, error) {
	line, err := br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		return line, nil
	}
	if len(line) > max {
		line = line[:max]
	}
	return line, err
}

// ClusterContext is what istioctl bug-report records of the cluster it
// read (tools/bug-report/pkg/content/content.go, GetClusterInfo: the
// output of `kubectl config current-context`, then the API server URL).
type ClusterContext struct {
	Context string
	Server  string
}

// ReadClusterContext reads an EntryClusterContext.
func ReadClusterContext(r io.Reader) (ClusterContext, error) {
	data, err := io.ReadAll(io.LimitReader(r, 64<<10))
	if err != nil {
		return ClusterContext{}, err
	}
	var cc ClusterContext
	for _, l := range strings.Split(string(data), "\n") {
		l = strings.TrimSpace(l)
		switch {
		case l == "":
		case strings.Contains(l, "://"):
			cc.Server = l
		case cc.Context == "":
			cc.Context = l
		}
	}
	if cc.Server == "" && cc.Context == "" {
		return cc, errors.New("no context or server in the file")
	}
	return cc, nil
}

// CollectorError is one thing another tool's collector could not collect.
type CollectorError struct {
	// Collector is the collector name (resource and group, as the
	// EntryCollectorErrors entry names it, or a custom resource's CRD).
	Collector string
	Namespace string // "" when not about one namespace
	Status    string // StatusForbidden when the message says so, else StatusFailed
	Message   string
}

// ReadCollectorErrors reads an EntryCollectorErrors: a support-bundle's
// <name>-errors.json (a JSON object of namespace, or CRD[/namespace], to
// message, or an array of messages; pkg/collect/util.go marshalErrors) or
// a <container>-logs-errors.log (the message as text).
func ReadCollectorErrors(e *Entry) ([]CollectorError, error) {
	data, err := io.ReadAll(io.LimitReader(e.Body, 16<<20))
	if err != nil {
		return nil, err
	}
	var out []CollectorError
	add := func(collector, ns, msg string) {
		out = append(out, CollectorError{Collector: collector, Namespace: ns, Status: errorStatus(msg), Message: msg})
	}
	if e.Collector == "logs" && !strings.HasSuffix(e.Name, ".json") {
		msg := strings.TrimSpace(string(data))
		if msg == "" {
			return nil, nil
		}
		add("logs", e.Namespace, fmt.Sprintf("%s/%s: %s", e.Pod, e.Container, msg))
		return out, nil
	}
	t := bytes.TrimSpace(data)
	if len(t) == 0 {
		return nil, nil
	}
	var byKey map[string]string
	var list []string
	switch {
	case t[0] == '{':
		if err := jsonv2.Unmarshal(t, &byKey, JSONOptions); err != nil {
			return nil, fmt.Errorf("invalid JSON: %v", err)
		}
	case t[0] == '[':
		if err := jsonv2.Unmarshal(t, &list, JSONOptions); err != nil {
			return nil, fmt.Errorf("invalid JSON: %v", err)
		}
	default:
		return nil, errors.New("neither a JSON object nor an array of messages")
	}
	keys := make([]string, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if e.Collector == "custom-resources" {
			crd, ns, _ := strings.Cut(k, "/")
			add(crd, ns, byKey[k])
			continue
		}
		add(e.Collector, k, byKey[k])
	}
	for _, m := range list {
		add(e.Collector, "", m)
	}
	return out, nil
}

// errorStatus classifies a collector's error message as the index does.
func errorStatus(msg string) string {
	if strings.Contains(msg, "forbidden") || strings.Contains(msg, "Forbidden") {
		return StatusForbidden
	}
	return StatusFailed
}
