// Package yamldocs splits a YAML stream into its documents, one at a time,
// for the readers of YAML in this module (objects in bundles and kubectl
// output, rule files): each document is then parsed on its own, and an
// error names the document and the line it starts on.
//
// A document ends at a "---" line (a separator: "---" alone, or followed
// by a space or tab and a comment or content, as in "--- {kind: Pod}"),
// at a "..." line (document end) or at the end of the stream. It follows
// the YAML 1.2 markers as they appear at the start of a line; it does not
// parse YAML, so a "---" inside a block scalar indented by zero spaces
// splits there, as it does for every line-based splitter.
package yamldocs

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// Doc is one document of a stream.
type Doc struct {
	// Data is the document's bytes, without its markers; valid only
	// during the call.
	Data []byte
	// Index counts the documents from 0, empty ones included, so that
	// "document N" means the same to every reader of the stream.
	Index int
	// Line is the 1-based line its content starts on.
	Line int
}

// Split calls fn with each document of r, blank ones left out (a comment
// is content: the YAML parser reads it as an empty document); it holds one
// document in memory at a time. An error from fn stops it and is returned unchanged; so is a
// read error.
func Split(r io.Reader, fn func(Doc) error) error {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, 64<<10)
	}
	var (
		doc       bytes.Buffer
		index     int
		line      = 1 // current line
		startLine = 1 // first line of the current document
	)
	flush := func() error {
		defer func() { doc.Reset(); index++ }()
		if len(bytes.TrimSpace(doc.Bytes())) == 0 {
			return nil
		}
		return fn(Doc{Data: doc.Bytes(), Index: index, Line: startLine})
	}
	for {
		l, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			// A long line is never a marker; keep reading it whole.
			doc.Write(l)
			for errors.Is(err, bufio.ErrBufferFull) {
				l, err = br.ReadSlice('\n')
				doc.Write(l)
			}
			l = nil
		}
		if err != nil && err != io.EOF {
			return err
		}
		switch {
		case isSeparator(l):
			if ferr := flush(); ferr != nil {
				return ferr
			}
			startLine = line + 1
			if rest := bytes.TrimSpace(l[3:]); len(rest) > 0 && rest[0] != '#' {
				// "--- {kind: Pod}" or "--- |": content on the separator line.
				doc.Write(rest)
				doc.WriteByte('\n')
				startLine = line
			}
		case isEnd(l):
			if ferr := flush(); ferr != nil {
				return ferr
			}
			startLine = line + 1
		default:
			doc.Write(l)
		}
		line++
		if err == io.EOF {
			return flush()
		}
	}
}

func isSeparator(l []byte) bool {
	if !bytes.HasPrefix(l, []byte("---")) {
		return false
	}
	rest := l[3:]
	return len(rest) == 0 || rest[0] == ' ' || rest[0] == '\t' || rest[0] == '\n' || rest[0] == '\r'
}

func isEnd(l []byte) bool {
	return bytes.Equal(bytes.TrimRight(l, " \t\r\n"), []byte("..."))
}
