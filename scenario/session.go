package scenario

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/fleet"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/network"
	"github.com/tenancykit/tenancy/plan"
)

// Setup is what a world command sets up: the scenario's zone, the catalog
// and the policies of the three rule families.
type Setup struct {
	// Zone is the scenario's time zone; nil means UTC.
	Zone *time.Location
	// Catalog is the catalog; nil means plan.DefaultCatalog.
	Catalog  *plan.Catalog
	Plans    plan.Policy
	Lives    lifecycle.Policy
	Networks network.Policy
}

// DefaultSetup returns the world an empty scenario starts from: UTC, the
// default catalog and every default policy.
func DefaultSetup() Setup {
	return Setup{Zone: time.UTC, Plans: plan.DefaultPolicy(), Lives: lifecycle.DefaultPolicy(), Networks: network.DefaultPolicy()}
}

// Block returns the world command that sets up s and its input lines: the
// catalog in JSON, none for the default catalog. A retention offer is
// written as the text it gives for an empty subscription and no reason,
// which is all the language can say of one. Block refuses, with
// tenancy.ErrInvalid, what the language cannot write: a policy with no
// warning days (the world command would keep the default ones).
func (s Setup) Block() (line string, input []string, err error) {
	if len(s.Lives.WarningDays) == 0 {
		return "", nil, tenancy.Refuse("LIFE-02", tenancy.ErrInvalid, "a scenario cannot write a policy with no warning days")
	}
	zone := s.Zone
	if zone == nil {
		zone = time.UTC
	}
	f := []string{"world", "zone=" + zone.String()}
	for _, l := range policyLines(s.Plans, s.Lives, s.Networks, "0") {
		f = append(f, l.args)
	}
	if s.Catalog != nil {
		got, err := json.MarshalIndent(s.Catalog, "", "  ")
		if err != nil {
			return "", nil, err
		}
		def, err := json.MarshalIndent(plan.DefaultCatalog(), "", "  ")
		if err != nil {
			return "", nil, err
		}
		if string(got) != string(def) {
			input = strings.Split(string(got), "\n")
		}
	}
	return strings.Join(f, " "), input, nil
}

// Session replays a scenario one command at a time, for a program that
// writes the scenario as it goes: an interactive prompt, or a generator of
// random scenarios such as package tenancytest. It keeps every command it
// ran with its output, and writes them out as a scenario file that Run
// replays to the same output.
type Session struct {
	w      *world
	blocks []sessionBlock
}

type sessionBlock struct {
	command string
	input   []string
	output  []string
}

// NewSession returns a session over an empty world, as a file starts.
func NewSession() (*Session, error) {
	w, err := newWorld()
	if err != nil {
		return nil, err
	}
	return &Session{w: w}, nil
}

// Do runs one command line, with its input lines, and returns its output
// lines as a file would expect them ("ok", "refused ...", one line per
// effect). A malformed line or a command the replay cannot run (an
// unknown account, a time before the clock) is an error and is not kept;
// a refusal by the rules is output.
func (s *Session) Do(line string, input ...string) ([]string, error) {
	verb, args, err := tokenize(line)
	if err != nil {
		return nil, err
	}
	if _, ok := commands[verb]; !ok {
		return nil, fmt.Errorf("unknown command %q (known: %s)", verb, verbList())
	}
	for _, l := range input {
		if blank(l) || isSep(l) {
			return nil, fmt.Errorf("input line %q: a blank line or %s would end the command", l, Separator)
		}
	}
	out, err := s.w.run(Block{Command: strings.TrimSpace(line), Input: input, verb: verb, args: args})
	if err != nil {
		return nil, err
	}
	s.blocks = append(s.blocks, sessionBlock{command: strings.TrimSpace(line), input: input, output: out})
	return out, nil
}

// Effects returns the driver's effects of the last command, in the order
// its output prints them: the deadlines its time fired, then its own.
// Projections print effects that have not happened; they are not here.
func (s *Session) Effects() []fleet.Effect { return s.w.happened }

// Store returns the store the session's commands run on, to read its
// states; a change made to it directly is not in the transcript.
func (s *Session) Store() *fleet.Memory { return s.w.mem }

// Now returns the scenario's clock: the time of the last command, zero
// before the first at= or advance.
func (s *Session) Now() time.Time { return s.w.now }

// Zone returns the scenario's time zone, in which its times are written.
func (s *Session) Zone() *time.Location { return s.w.zone }

// Transcript returns every command run so far with its output, as a
// scenario file, after comment lines made of header (a "# " starts each).
func (s *Session) Transcript(header ...string) string {
	var b strings.Builder
	for _, h := range header {
		for _, l := range strings.Split(h, "\n") {
			b.WriteString(strings.TrimRight("# "+l, " "))
			b.WriteByte('\n')
		}
	}
	if len(header) > 0 {
		b.WriteByte('\n')
	}
	for k, blk := range s.blocks {
		if k > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(blk.command)
		b.WriteByte('\n')
		for _, l := range blk.input {
			b.WriteString(l)
			b.WriteByte('\n')
		}
		b.WriteString(Separator + "\n")
		for _, l := range blk.output {
			b.WriteString(l)
			b.WriteByte('\n')
		}
	}
	return b.String()
}
