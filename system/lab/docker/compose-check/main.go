// compose-check loads a Compose file with the Compose specification's own loader (compose-go, the
// library `docker compose` itself uses) and prints the resolved project as JSON: anchors merged,
// `${VAR:-default}` interpolated, the compose-spec JSON schema enforced, depends_on and
// healthchecks normalised. The paylab tests read docker-compose.yml through it, the way Docker
// would, instead of through a YAML parser that knows none of those rules.
//
//	compose-check -f docker-compose.yml [-f override.yml] [-profile load] [-env KEY=VALUE]...
//
// Only the variables given with -env are visible (never the caller's environment), so the output
// is the same on every machine. Exit code 1 and one message on stderr when the file is invalid.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
)

type list []string

func (l *list) String() string     { return strings.Join(*l, ",") }
func (l *list) Set(v string) error { *l = append(*l, v); return nil }

func main() {
	var files, profiles, env list
	flag.Var(&files, "f", "compose file (repeatable; later files override earlier ones)")
	flag.Var(&profiles, "profile", "profile to enable (repeatable)")
	flag.Var(&env, "env", "KEY=VALUE visible to interpolation (repeatable)")
	dir := flag.String("dir", ".", "project directory (relative paths resolve against it)")
	flag.Parse()
	if len(files) == 0 {
		fmt.Fprintln(os.Stderr, "compose-check: need at least one -f FILE")
		os.Exit(2)
	}
	options, err := cli.NewProjectOptions(files,
		cli.WithWorkingDirectory(*dir),
		cli.WithEnv(env),
		cli.WithProfiles(profiles),
		cli.WithName("paylab"),
		cli.WithResolvedPaths(false),
	)
	if err != nil {
		fmt.Fprintf(os.Stderr, "compose-check: %v\n", err)
		os.Exit(1)
	}
	project, err := options.LoadProject(context.Background())
	if err != nil {
		fmt.Fprintf(os.Stderr, "compose-check: %v\n", err)
		os.Exit(1)
	}
	out, err := project.MarshalJSON()
	if err != nil {
		fmt.Fprintf(os.Stderr, "compose-check: %v\n", err)
		os.Exit(1)
	}
	os.Stdout.Write(out)
	os.Stdout.Write([]byte("\n"))
}
