package browse

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unsafe"

	corev1 "k8s.io/api/core/v1"

	"github.com/nohealthy/nohealthy/analyzers/logscan"
	"github.com/nohealthy/nohealthy/bundle"
	"github.com/nohealthy/nohealthy/internal/visible"
)

// LogsOptions are what `analyze logs` was asked, with kubectl's meanings.
type LogsOptions struct {
	Namespace, Pod string
	// Container is -c; "" chooses as kubectl does (see Logs).
	Container string
	// Previous: the log of the previous, crashed, instance.
	Previous bool
	// Since keeps the lines of the last Since before the collection time
	// (0: every line).
	Since time.Duration
	// Tail keeps the last Tail lines (-1: every line).
	Tail int
}

// defaultContainer is the annotation kubectl reads to choose a pod's
// container when none is named.
const defaultContainer = "kubectl.kubernetes.io/default-container"

// logEntry is one container log of the pod found in the inputs.
type logEntry struct {
	container string
	previous  bool
	dump      bool // inside a cluster-info dump's logs.txt
}

// Logs copies the asked container log of the pod to w, line by line, each
// made visible. The container is -c, else the one the pod's
// kubectl.kubernetes.io/default-container annotation names, else the only
// container of the pod; a pod with several is an error naming them
// (kubectl ≥ 1.21 would take the first: offline, reading the wrong
// container's log misleads, so analyze asks). Without the Pod object the
// containers are those with a log in the inputs.
//
// The inputs are read once when the choice can be made before the log
// streams by (a gather bundle holds its objects and manifest first),
// otherwise twice; a log is never held in memory but for --tail's last
// lines.
func Logs(w, errw io.Writer, in Inputs, o LogsOptions) error {
	if o.Pod == "" {
		return usagef("no pod given: NAMESPACE/POD or POD with -n")
	}
	if o.Namespace == "" {
		o.Namespace = "default"
	}
	if o.Tail < -1 {
		return usagef("--tail %d: want -1 (every line) or more", o.Tail)
	}
	if o.Since < 0 {
		return usagef("--since %s: want a positive duration", o.Since)
	}
	rd := newReader(in)
	var (
		pod     *corev1.Pod
		entries []logEntry
		done    bool
		out     = bufio.NewWriterSize(w, 64<<10)
	)
	needPod := o.Container == ""
	needTimes := o.Since > 0
	// decided is the container to print when it can be known now.
	decided := func() (string, bool) {
		if o.Container != "" {
			return o.Container, true
		}
		if pod != nil {
			c, err := chooseContainer(pod, nil)
			return c, err == nil
		}
		return "", false
	}
	ready := func() bool { return !needTimes || !rd.collected.IsZero() }
	stream := func(e *bundle.Entry, container string, ref time.Time) error {
		lw := newLogWriter(out, o, ref)
		var err error
		if e.Type == bundle.EntryDumpLogs {
			err = bundle.SplitDumpLogs(e.Body, rd.in.Limits, func(_, _, c string, body io.Reader) error {
				if c != container {
					return nil
				}
				return lw.copy(body, rd.in.Limits.WithDefaults().MaxLineBytes)
			})
		} else {
			err = lw.copy(e.Body, rd.in.Limits.WithDefaults().MaxLineBytes)
		}
		if err == nil {
			err = lw.finish()
		}
		if err == nil {
			err = out.Flush()
		}
		return err
	}
	// What a bundle with log frames must be read for: the objects files
	// when the pod or the collection time is needed, and the pod's logs.
	wanted := func(path string) bool {
		t, ns, pod, _, _ := bundle.Classify(path)
		if t.IsLog() {
			return ns == o.Namespace && pod == o.Pod
		}
		return t == bundle.EntryObjects && (needPod || needTimes)
	}
	err := rd.walkWanted(wanted, func(e *bundle.Entry) error {
		switch e.Type {
		case bundle.EntryObjects:
			if !needPod && !(needTimes && rd.collected.IsZero()) {
				return nil
			}
			return rd.entryObjects(e, func(b *bundle.Object) error {
				if b.Kind == "Pod" && b.Namespace == o.Namespace && b.Name == o.Pod {
					p := new(corev1.Pod)
					if err := unmarshal(b.Raw, p); err == nil {
						pod = p
					}
				}
				return nil
			})
		case bundle.EntryLog, bundle.EntryDumpLogs:
			if e.Namespace != o.Namespace || e.Pod != o.Pod {
				return nil
			}
			if e.Type == bundle.EntryDumpLogs {
				if o.Previous {
					return nil // a cluster-info dump has no previous logs
				}
				if c, ok := decided(); ok && ready() {
					done = true
					if err := stream(e, c, rd.collected); err != nil {
						return err
					}
					return stopWalk
				}
				// Learn the containers it holds, for the choice.
				return bundle.SplitDumpLogs(e.Body, rd.in.Limits, func(_, _, c string, _ io.Reader) error {
					entries = append(entries, logEntry{container: c, dump: true})
					return nil
				})
			}
			entries = append(entries, logEntry{container: e.Container, previous: e.Previous})
			if e.Previous != o.Previous {
				return nil
			}
			if c, ok := decided(); ok && c == e.Container && ready() {
				done = true
				if err := stream(e, c, rd.collected); err != nil {
					return err
				}
				return stopWalk
			}
		}
		return nil
	})
	if err != nil || done {
		return err
	}
	container := o.Container
	if container == "" {
		c, err := chooseContainer(pod, entries)
		if err != nil {
			return err
		}
		container = c
	}
	if !slices.ContainsFunc(entries, func(e logEntry) bool { return e.container == container && e.previous == o.Previous }) {
		which := "log"
		if o.Previous {
			which = "previous log"
		}
		return &NotFoundError{fmt.Sprintf("no %s of container %s of pod %s/%s in the inputs", which,
			visible.Line(container), visible.Line(o.Namespace), visible.Line(o.Pod))}
	}
	// Second pass: the choice needed what came after the log.
	ref := rd.collected
	if needTimes && ref.IsZero() {
		ref = rd.eventAt
	}
	if needTimes && ref.IsZero() {
		// No collection time in the inputs: the log's own newest line
		// stands for it.
		if ref, err = newestLine(rd, o, container); err != nil {
			return err
		}
	}
	return rd.walkWanted(logOf(o), func(e *bundle.Entry) error {
		if !isLogOf(e, o, container) {
			return nil
		}
		if err := stream(e, container, ref); err != nil {
			return err
		}
		return stopWalk
	})
}

// logOf accepts the paths of the pod's logs.
func logOf(o LogsOptions) func(path string) bool {
	return func(path string) bool {
		t, ns, pod, _, _ := bundle.Classify(path)
		return t.IsLog() && ns == o.Namespace && pod == o.Pod
	}
}

// isLogOf reports whether entry e holds the asked log.
func isLogOf(e *bundle.Entry, o LogsOptions, container string) bool {
	if e.Namespace != o.Namespace || e.Pod != o.Pod {
		return false
	}
	switch e.Type {
	case bundle.EntryLog:
		return e.Container == container && e.Previous == o.Previous
	case bundle.EntryDumpLogs:
		return !o.Previous
	}
	return false
}

// newestLine reads the asked log for the newest time one of its lines
// records.
func newestLine(rd *reader, o LogsOptions, container string) (time.Time, error) {
	var newest time.Time
	scan := func(r io.Reader) error {
		br := bufio.NewReaderSize(r, 64<<10)
		for {
			line, err := br.ReadSlice('\n')
			if t, ok := logscan.LineTime(line); ok {
				newest = later(newest, t)
			}
			if errors.Is(err, bufio.ErrBufferFull) {
				for errors.Is(err, bufio.ErrBufferFull) {
					_, err = br.ReadSlice('\n')
				}
			}
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
		}
	}
	err := rd.walkWanted(logOf(o), func(e *bundle.Entry) error {
		if !isLogOf(e, o, container) {
			return nil
		}
		var err error
		if e.Type == bundle.EntryDumpLogs {
			err = bundle.SplitDumpLogs(e.Body, rd.in.Limits, func(_, _, c string, body io.Reader) error {
				if c != container {
					return nil
				}
				return scan(body)
			})
		} else {
			err = scan(e.Body)
		}
		if err != nil {
			return err
		}
		return stopWalk
	})
	if err == nil && newest.IsZero() {
		newest = time.Now().UTC()
	}
	return newest, err
}

// chooseContainer picks the container of pod (or, without it, of the
// logs found) as Logs documents.
func chooseContainer(pod *corev1.Pod, entries []logEntry) (string, error) {
	var names []string
	if pod != nil {
		if c := pod.Annotations[defaultContainer]; c != "" && hasContainer(pod, c) {
			return c, nil
		}
		if len(pod.Spec.Containers) == 1 {
			return pod.Spec.Containers[0].Name, nil
		}
		for _, c := range pod.Spec.Containers {
			names = append(names, c.Name)
		}
		for _, c := range pod.Spec.InitContainers {
			names = append(names, c.Name+" (init)")
		}
		if len(names) == 0 {
			return "", fmt.Errorf("pod %s/%s has no containers", visible.Line(pod.Namespace), visible.Line(pod.Name))
		}
		return "", usagef("pod %s/%s has %d containers, name one with -c: %s", visible.Line(pod.Namespace), visible.Line(pod.Name),
			len(pod.Spec.Containers)+len(pod.Spec.InitContainers), visible.Line(strings.Join(names, ", ")))
	}
	for _, e := range entries {
		if !slices.Contains(names, e.container) {
			names = append(names, e.container)
		}
	}
	switch len(names) {
	case 0:
		return "", &NotFoundError{"no log of that pod in the inputs"}
	case 1:
		return names[0], nil
	}
	slices.Sort(names)
	return "", usagef("the inputs hold logs of %d containers of that pod, name one with -c: %s", len(names), visible.Line(strings.Join(names, ", ")))
}

func hasContainer(p *corev1.Pod, name string) bool {
	for _, list := range [][]corev1.Container{p.Spec.Containers, p.Spec.InitContainers} {
		for _, c := range list {
			if c.Name == name {
				return true
			}
		}
	}
	return false
}

// logWriter filters and writes lines: --since keeps the lines whose time
// is at or after ref-Since (a line without a time goes with the line
// before it; lines before the first dated one wait, up to a bound, for it
// to decide), --tail keeps the last lines in a ring.
type logWriter struct {
	w      *bufio.Writer
	cutoff time.Time // zero: no --since
	tail   int
	keep   bool // the last dated line's verdict
	dated  bool // a dated line was seen
	// pending are the undated lines before the first dated one.
	pending      [][]byte
	pendingBytes int
	ring         [][]byte
	next         int
	full         bool
}

// maxPending bounds the undated lines held before the first dated one: a
// log that has no time at all is then printed whole, --since not applying.
const maxPending = 4 << 20

func newLogWriter(w *bufio.Writer, o LogsOptions, ref time.Time) *logWriter {
	lw := &logWriter{w: w, tail: o.Tail, keep: true}
	if o.Since > 0 {
		lw.cutoff = ref.Add(-o.Since)
	}
	if o.Tail > 0 {
		lw.ring = make([][]byte, o.Tail)
	}
	return lw
}

// copy reads r line by line; a line longer than maxLine is cut there
// and the rest of it dropped, as the analysis does.
func (lw *logWriter) copy(r io.Reader, maxLine int) error {
	br := bufio.NewReaderSize(r, max(min(maxLine, 1<<20), 16))
	for {
		line, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			head := bytes.Clone(line)
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = br.ReadSlice('\n')
			}
			line = head
		}
		if len(line) > 0 {
			if e := lw.line(bytes.TrimRight(line, "\r\n")); e != nil {
				return e
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func (lw *logWriter) line(l []byte) error {
	if lw.cutoff.IsZero() {
		return lw.emit(l)
	}
	if t, ok := logscan.LineTime(l); ok {
		lw.keep, lw.dated = !t.Before(lw.cutoff), true
		if lw.pending != nil {
			pending := lw.pending
			lw.pending, lw.pendingBytes = nil, 0
			if lw.keep {
				for _, p := range pending {
					if err := lw.emit(p); err != nil {
						return err
					}
				}
			}
		}
	} else if !lw.dated {
		if lw.pendingBytes < maxPending {
			lw.pending = append(lw.pending, bytes.Clone(l))
			lw.pendingBytes += len(l)
			return nil
		}
		// No time in the first MiBs: the log is not dated.
		lw.dated, lw.keep = true, true
		for _, p := range lw.pending {
			if err := lw.emit(p); err != nil {
				return err
			}
		}
		lw.pending = nil
	}
	if !lw.keep {
		return nil
	}
	return lw.emit(l)
}

func (lw *logWriter) emit(l []byte) error {
	switch {
	case lw.tail == 0:
		return nil
	case lw.tail > 0:
		lw.ring[lw.next] = append(lw.ring[lw.next][:0], l...)
		lw.next = (lw.next + 1) % lw.tail
		lw.full = lw.full || lw.next == 0
		return nil
	}
	return lw.write(l)
}

// write prints one line made visible. l is viewed as a string without a
// copy: visible.Line returns it, or a new string, and the result is
// written before l changes.
func (lw *logWriter) write(l []byte) error {
	if len(l) == 0 {
		return lw.w.WriteByte('\n')
	}
	if _, err := lw.w.WriteString(visible.Line(unsafe.String(&l[0], len(l)))); err != nil {
		return err
	}
	return lw.w.WriteByte('\n')
}

// finish writes what waited: undated lines of a log that never dated one
// (--since does not apply to it), and the tail.
func (lw *logWriter) finish() error {
	for _, p := range lw.pending {
		if err := lw.emit(p); err != nil {
			return err
		}
	}
	lw.pending = nil
	if lw.tail <= 0 {
		return nil
	}
	start, n := 0, lw.next
	if lw.full {
		start, n = lw.next, lw.tail
	}
	for i := range n {
		if err := lw.write(lw.ring[(start+i)%lw.tail]); err != nil {
			return err
		}
	}
	return nil
}
