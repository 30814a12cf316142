package docker

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// `docker service ps` (and `docker stack ps`, `docker node ps`) prints a
// table (docker/cli cli/command/task: formatter.go and print.go):
//
//	ID  NAME  IMAGE  NODE  DESIRED STATE  CURRENT STATE  ERROR  PORTS
//
// aligned by text/tabwriter, so every cell of a column starts where its
// header does (widths count runes). NAME is "<service>.<slot>", or
// "<service>.<node ID>" for a global service; a task that an earlier one
// of the same slot replaced is listed under it, indented " \_ ". DESIRED
// STATE and CURRENT STATE are capitalized ("Running", "Failed 2 minutes
// ago"); ERROR is quoted, and cut to 30 runes unless --no-trunc; PORTS is
// "*:8080->80/tcp,...".

// taskColumns are the headers of the table, in the default order.
var taskColumns = []string{"ID", "NAME", "IMAGE", "NODE", "DESIRED STATE", "CURRENT STATE", "ERROR", "PORTS"}

// SniffTasks reports whether data starts with the header of a `docker
// service ps` table.
func SniffTasks(data []byte) bool {
	line := firstLine(data)
	return bytes.HasPrefix(bytes.TrimSpace(line), []byte("ID ")) && bytes.Contains(line, []byte(" NAME ")) &&
		bytes.Contains(line, []byte("DESIRED STATE")) && bytes.Contains(line, []byte("CURRENT STATE"))
}

func firstLine(b []byte) []byte {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	for len(b) > 0 {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		if len(bytes.TrimSpace(line)) > 0 {
			return bytes.TrimRight(line, "\r")
		}
	}
	return nil
}

// exitRE reads the exit code swarmkit's executor writes ("task:
// non-zero exit (137)", daemon/cluster/executor/container/controller.go).
var exitRE = regexp.MustCompile(`non-zero exit \((-?\d+)\)`)

// ReadTasks reads a `docker service ps` table into inv. A line that does
// not fit the header's columns is an error naming the line.
func ReadTasks(name string, r io.Reader, inv *Inventory) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var cols []column
	lineNo := 0
	for sc.Scan() {
		lineNo++
		line := strings.TrimRight(sc.Text(), "\r")
		if lineNo == 1 {
			line = strings.TrimPrefix(line, "\ufeff")
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		if cols == nil {
			var err error
			if cols, err = header(line); err != nil {
				return fmt.Errorf("%s: line %d: %v", name, lineNo, err)
			}
			continue
		}
		if !utf8.ValidString(line) {
			line = strings.ToValidUTF8(line, "\uFFFD")
		}
		t, err := taskRow(cols, []rune(line))
		if err != nil {
			return fmt.Errorf("%s: line %d: %v", name, lineNo, err)
		}
		t.Source = name
		inv.AddTask(t)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %v", name, err)
	}
	if cols == nil {
		return fmt.Errorf("%s: no `docker service ps` header", name)
	}
	return nil
}

// column is one header of the table and where its cells start, in runes.
type column struct {
	name  string
	start int
}

// header finds the columns of the header line; ID, NAME and CURRENT
// STATE are required.
func header(line string) ([]column, error) {
	runes := []rune(line)
	text := string(runes) // index in runes below
	var cols []column
	for _, h := range taskColumns {
		at := runeIndexWord(text, h)
		if at >= 0 {
			cols = append(cols, column{h, at})
		}
	}
	have := map[string]bool{}
	for _, c := range cols {
		have[c.name] = true
	}
	if !have["ID"] || !have["NAME"] || !have["CURRENT STATE"] {
		return nil, fmt.Errorf("not a `docker service ps` header (want ID, NAME, CURRENT STATE): %q", line)
	}
	// In the order they are printed.
	for i := 1; i < len(cols); i++ {
		for j := i; j > 0 && cols[j].start < cols[j-1].start; j-- {
			cols[j], cols[j-1] = cols[j-1], cols[j]
		}
	}
	return cols, nil
}

// runeIndexWord is the rune index of header word h in line, standing
// alone (spaces or the line's ends around it); -1 if absent.
func runeIndexWord(line, h string) int {
	for off := 0; off < len(line); {
		i := strings.Index(line[off:], h)
		if i < 0 {
			return -1
		}
		i += off
		end := i + len(h)
		if (i == 0 || line[i-1] == ' ') && (end == len(line) || line[end] == ' ') {
			return utf8.RuneCountInString(line[:i])
		}
		off = i + 1
	}
	return -1
}

// taskRow cuts one row at the header's columns.
func taskRow(cols []column, row []rune) (*Task, error) {
	cell := map[string]string{}
	for i, c := range cols {
		if c.start > len(row) {
			break
		}
		// tabwriter pads every cell: a cell starts after a space.
		if c.start > 0 && c.start < len(row) && row[c.start-1] != ' ' {
			return nil, fmt.Errorf("the row does not fit the header's columns (no space before %s)", c.name)
		}
		end := len(row)
		if i+1 < len(cols) && cols[i+1].start < end {
			end = cols[i+1].start
		}
		cell[c.name] = string(row[c.start:end])
	}
	return taskFromCells(cell)
}

// taskFromCells reads a task from its cells, by column header.
func taskFromCells(cell map[string]string) (*Task, error) {
	t := &Task{ID: strings.TrimSpace(cell["ID"])}
	name := strings.TrimRight(cell["NAME"], " ")
	if rest, ok := strings.CutPrefix(strings.TrimLeft(name, " "), `\_ `); ok {
		t.Previous, name = true, rest
	}
	name = strings.TrimSpace(name)
	if t.ID == "" || name == "" || strings.ContainsRune(t.ID, ' ') {
		return nil, fmt.Errorf("not a task row of the table (ID %q, NAME %q)", t.ID, name)
	}
	t.Service = name
	if dot := strings.LastIndexByte(name, '.'); dot > 0 {
		t.Service = name[:dot]
		t.Slot, _ = strconv.Atoi(name[dot+1:])
	}
	t.Image = strings.TrimSpace(cell["IMAGE"])
	t.Node = strings.TrimSpace(cell["NODE"])
	t.DesiredState = strings.ToLower(strings.TrimSpace(cell["DESIRED STATE"]))
	state, since, _ := strings.Cut(strings.TrimSpace(cell["CURRENT STATE"]), " ")
	t.State, t.Since = strings.ToLower(state), since
	t.Error = strings.TrimSpace(cell["ERROR"])
	if len(t.Error) >= 2 && t.Error[0] == '"' && t.Error[len(t.Error)-1] == '"' {
		t.Error = t.Error[1 : len(t.Error)-1]
	}
	t.Ports = strings.TrimSpace(cell["PORTS"])
	if m := exitRE.FindStringSubmatch(t.Error); m != nil {
		if code, err := strconv.Atoi(m[1]); err == nil {
			t.ExitCode = &code
		}
	}
	return t, nil
}
