package scenario

import (
	"fmt"
	"io"
	"strings"
)

// Separator is the line that ends a command and its input and starts its
// expected output.
const Separator = "----"

// File is a parsed scenario file: its blocks, and its text, which Result
// renders again with the outputs of a replay.
type File struct {
	// Name names the file in errors, for example "testdata/PLAN-10.txt".
	Name   string
	Blocks []Block
	lines  []string
}

// Block is one command of a file with its input and its expected output.
type Block struct {
	// Line is the command's line number, counted from 1.
	Line int
	// Command is the command line as written: a verb and its arguments.
	Command string
	// Input holds the lines between the command and the separator.
	Input []string
	// Expected holds the lines between the separator and the blank line
	// that ends the block.
	Expected []string
	verb     string
	args     []token
	sep, end int // indexes in lines of the separator, and of the line after the output
}

// Error is a malformed file, or a command a replay cannot run (an unknown
// account, a date before the scenario's clock). It names the file and the
// line. A refusal by the rules is not an Error: it is output
// ("refused PLAN-02: ...").
type Error struct {
	File string
	Line int
	Err  error
}

// Error returns "file:line: message".
func (e *Error) Error() string { return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err) }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// token is one argument of a command line: a bare word, or key=value.
type token struct {
	key, val string
	kv       bool
}

// Parse reads a scenario file. name is used in errors. Every problem is an
// *Error with the line it is on: a command without its separator, a blank
// line in a command's input, a separator in an expected output, an unknown
// verb, an unterminated quote.
func Parse(r io.Reader, name string) (*File, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, &Error{File: name, Line: 0, Err: err}
	}
	text := strings.ReplaceAll(string(b), "\r\n", "\n")
	lines := strings.Split(text, "\n")
	if len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	f := &File{Name: name, lines: lines}
	fail := func(i int, format string, args ...any) (*File, error) {
		return nil, &Error{File: name, Line: i + 1, Err: fmt.Errorf(format, args...)}
	}
	for i := 0; i < len(lines); {
		line := lines[i]
		if blank(line) || comment(line) {
			i++
			continue
		}
		if isSep(line) {
			return fail(i, "%s without a command before it", Separator)
		}
		verb, args, err := tokenize(line)
		if err != nil {
			return fail(i, "%v", err)
		}
		if _, ok := commands[verb]; !ok {
			return fail(i, "unknown command %q (known: %s)", verb, verbList())
		}
		blk := Block{Line: i + 1, Command: strings.TrimSpace(line), verb: verb, args: args}
		start := i
		for i++; i < len(lines) && !isSep(lines[i]); i++ {
			if blank(lines[i]) {
				return fail(i, "blank line in the input of the command on line %d: end the command with %s", start+1, Separator)
			}
			blk.Input = append(blk.Input, lines[i])
		}
		if i == len(lines) {
			return fail(start, "the command has no %s line after it", Separator)
		}
		blk.sep = i
		for i++; i < len(lines) && !blank(lines[i]); i++ {
			if isSep(lines[i]) {
				return fail(i, "a second %s in the block of line %d: a blank line ends each block", Separator, start+1)
			}
			blk.Expected = append(blk.Expected, lines[i])
		}
		blk.end = i
		f.Blocks = append(f.Blocks, blk)
	}
	return f, nil
}

func blank(s string) bool   { return strings.TrimSpace(s) == "" }
func comment(s string) bool { return strings.HasPrefix(strings.TrimSpace(s), "#") }
func isSep(s string) bool   { return strings.TrimRight(s, " \t") == Separator }

// tokenize splits a command line into its verb and arguments. A value may
// be double-quoted to hold spaces; \" and \\ escape inside quotes.
func tokenize(line string) (string, []token, error) {
	var out []token
	s := strings.TrimSpace(line)
	for s != "" {
		var word strings.Builder
		key, kv := "", false
		i := 0
	word:
		for i < len(s) {
			c := s[i]
			switch {
			case c == ' ' || c == '\t':
				break word
			case c == '=' && !kv:
				key, kv = word.String(), true
				word.Reset()
				i++
			case c == '"':
				j := i + 1
				closed := false
				for j < len(s) {
					if s[j] == '\\' && j+1 < len(s) && (s[j+1] == '"' || s[j+1] == '\\') {
						word.WriteByte(s[j+1])
						j += 2
						continue
					}
					if s[j] == '"' {
						closed = true
						break
					}
					word.WriteByte(s[j])
					j++
				}
				if !closed {
					return "", nil, fmt.Errorf("unterminated quote in %q", line)
				}
				i = j + 1
			default:
				word.WriteByte(c)
				i++
			}
		}
		if kv && key == "" {
			return "", nil, fmt.Errorf("an argument with no name before '=' in %q", line)
		}
		out = append(out, token{key: key, val: word.String(), kv: kv})
		s = strings.TrimLeft(s[i:], " \t")
	}
	if len(out) == 0 || out[0].kv || out[0].val == "" {
		return "", nil, fmt.Errorf("a command starts with its verb, got %q", line)
	}
	return out[0].val, out[1:], nil
}

// render writes the file's text with outputs[k] as the expected output of
// block k.
func (f *File) render(outputs [][]string) string {
	var b strings.Builder
	prev := 0
	write := func(lines []string) {
		for _, l := range lines {
			b.WriteString(l)
			b.WriteByte('\n')
		}
	}
	for k, blk := range f.Blocks {
		write(f.lines[prev : blk.sep+1])
		write(outputs[k])
		prev = blk.end
	}
	write(f.lines[prev:])
	return b.String()
}
