package app

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/lineup/lineup/internal/accounts"
	"github.com/lineup/lineup/internal/media"
)

// trackFlag collects LANG=FILE pairs.
type trackFlag []string

func (t *trackFlag) String() string     { return strings.Join(*t, ",") }
func (t *trackFlag) Set(v string) error { *t = append(*t, v); return nil }

func (t trackFlag) tracks(kind string) ([]media.Track, []*os.File, error) {
	var out []media.Track
	var files []*os.File
	for _, v := range t {
		// LANG=FILE, or LANG,charset=CHARSET=FILE for a subtitle file
		// whose text encoding detection cannot tell.
		charset := ""
		if l, rest, ok := strings.Cut(v, ",charset="); ok && kind == "subtitle" {
			charset, v, _ = strings.Cut(rest, "=")
			v = l + "=" + v
		}
		lang, path, ok := strings.Cut(v, "=")
		if !ok || lang == "" || path == "" {
			return nil, files, fmt.Errorf("%w: --%s %q: write LANG=FILE, such as zh=chinese.aac (subtitles: zh,charset=big5=names.srt)", ErrUsage, kind, v)
		}
		f, err := os.Open(path)
		if err != nil {
			return nil, files, err
		}
		files = append(files, f)
		out = append(out, media.Track{Language: lang, Filename: filepath.Base(path), Reader: f, Charset: charset})
	}
	return out, files, nil
}

func runIngest(ctx context.Context, e *env, args []string) error {
	fs, parse := e.flags("ingest")
	title := fs.Int64("title", 0, "the title the film belongs to")
	var audio, subs trackFlag
	fs.Var(&audio, "audio", "an extra audio track, LANG=FILE (repeatable)")
	fs.Var(&subs, "subtitle", "a subtitle file, LANG=FILE or LANG,charset=CHARSET=FILE: SRT, WebVTT or ASS (repeatable)")
	wait := fs.Bool("wait", true, "encode here and wait, drawing a progress bar (false: queue it for the workers)")
	// Flags may come after the file, as in `lineup ingest film.mp4 --title 1`.
	var file string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		file, args = args[0], args[1:]
	}
	if err := parse(args); err != nil {
		return err
	}
	if file == "" && fs.NArg() == 1 {
		file = fs.Arg(0)
	}
	if file == "" || *title <= 0 {
		return fmt.Errorf("%w: lineup ingest FILE --title ID [--audio LANG=FILE]... [--subtitle LANG=FILE]...", ErrUsage)
	}
	src, err := os.Open(file)
	if err != nil {
		return err
	}
	defer src.Close()
	req := media.IngestRequest{TitleID: *title, Source: src, Filename: filepath.Base(file)}
	var files []*os.File
	defer func() {
		for _, f := range files {
			f.Close()
		}
	}()
	var more []*os.File
	if req.Audio, more, err = audio.tracks("audio"); err != nil {
		return err
	}
	files = append(files, more...)
	if req.Subtitles, more, err = subs.tracks("subtitle"); err != nil {
		return err
	}
	files = append(files, more...)
	rt, err := e.openRuntime(ctx, *wait)
	if err != nil {
		return err
	}
	defer rt.close(context.WithoutCancel(ctx))
	if _, err := rt.catalog.GetTitle(ctx, *title); err != nil {
		return err
	}
	a, err := rt.media.Ingest(ctx, req)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "stored %s as asset %d; encode queued\n", req.Filename, a.ID)
	if !*wait {
		if e.json {
			return writeJSON(e.stdout, a)
		}
		fmt.Fprintf(e.stdout, "asset %d queued; follow it with GET /api/v1/assets/%d\n", a.ID, a.ID)
		return nil
	}
	if err := rt.queue.Start(ctx); err != nil {
		return err
	}
	bar := newProgressBar(e.stderr)
	final, err := rt.media.WaitForAsset(ctx, a.ID, func(a media.Asset) { bar.draw(string(a.State), a.Progress, a.Speed) })
	bar.done()
	if err != nil {
		return err
	}
	if e.json {
		return writeJSON(e.stdout, final)
	}
	if final.State != media.StateReady {
		return fmt.Errorf("asset %d %s: %s", final.ID, final.State, final.Error)
	}
	fmt.Fprintf(e.stdout, "asset %d ready: %s, %dx%d, %d rungs\n", final.ID, final.Duration.Round(time.Millisecond), final.Width, final.Height, len(final.Ladder))
	return nil
}

// progressBar shows an encode's progress. On a terminal it draws one line
// that rewrites itself (state, a bar, percent and speed); anywhere else (a
// log file, a pipe, systemd's journal) carriage returns would pile up, so it
// writes a plain line when the state changes and at every tenth of the way.
type progressBar struct {
	w        io.Writer
	start    time.Time
	terminal bool
	// lastState and lastStep are what the last plain line said.
	lastState string
	lastStep  int
}

func newProgressBar(w io.Writer) *progressBar {
	return &progressBar{w: w, start: time.Now(), terminal: isTerminal(w), lastStep: -1}
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func (p *progressBar) draw(state string, pct, speed float64) {
	const width = 30
	n := int(pct / 100 * width)
	n = max(0, min(width, n))
	sp := ""
	if speed > 0 {
		sp = fmt.Sprintf(" %.1f× realtime", speed)
	}
	elapsed := time.Since(p.start).Round(time.Second)
	if !p.terminal {
		step := int(pct / 10)
		if state == p.lastState && step == p.lastStep {
			return
		}
		p.lastState, p.lastStep = state, step
		fmt.Fprintf(p.w, "%s %5.1f%%%s  %s\n", state, pct, sp, elapsed)
		return
	}
	fmt.Fprintf(p.w, "\r%-10s [%s%s] %5.1f%%%s  %s   ", state, strings.Repeat("#", n), strings.Repeat(".", width-n), pct, sp, elapsed)
}

// done ends the bar's line on a terminal.
func (p *progressBar) done() {
	if p.terminal {
		fmt.Fprintln(p.w)
	}
}

func runUser(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 && args[0] == "2fa-off" {
		return runUser2FAOff(ctx, e, args[1:])
	}
	if len(args) == 0 || args[0] != "add" {
		return fmt.Errorf("%w: lineup user add --email E [--password-file F] [--admin] [--home CC] (the password comes on standard input, or from the file)", ErrUsage)
	}
	fs, parse := e.flags("user add")
	email := fs.String("email", "", "the user's email")
	passwordFile := fs.String("password-file", "", "a file whose first line is the password (default: read it from standard input)")
	password := fs.String("password", "", "refused: a password on the command line shows in the process list and the shell history")
	admin := fs.Bool("admin", false, "give the admin role")
	home := fs.String("home", "", "home territory, for the EU portability rule (default: the default territory)")
	if err := parse(args[1:]); err != nil {
		return err
	}
	if *password != "" {
		return fmt.Errorf("%w: --password is refused, since the process list and the shell history would keep it: "+
			"type it on standard input (printf '%%s\\n' \"$PW\" | lineup user add ...) or pass --password-file FILE", ErrUsage)
	}
	pw, err := readPassword(e, *passwordFile)
	if err != nil {
		return err
	}
	if *home == "" {
		*home = e.cfg.DefaultTerritory
	}
	svc, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer svc.db.Close()
	acc, err := accounts.New(svc.db, accounts.Config{SignUpOpen: e.cfg.SignUp})
	if err != nil {
		return err
	}
	role := accounts.RoleViewer
	if *admin {
		role = accounts.RoleAdmin
	}
	u, err := acc.AddUser(ctx, accounts.NewUser{Email: *email, Password: pw, Role: role, HomeTerritory: *home})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "added user %d: %s (%s)\n", u.ID, u.Email, u.Role)
	return nil
}

// runUser2FAOff turns two-factor sign-in off for one account: the way
// back in for someone who lost both the phone and the recovery codes.
func runUser2FAOff(ctx context.Context, e *env, args []string) error {
	fs, parse := e.flags("user 2fa-off")
	email := fs.String("email", "", "the user's email")
	if err := parse(args); err != nil {
		return err
	}
	if *email == "" {
		return fmt.Errorf("%w: lineup user 2fa-off --email E", ErrUsage)
	}
	svc, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer svc.db.Close()
	acc, err := accounts.New(svc.db, accounts.Config{})
	if err != nil {
		return err
	}
	u, err := acc.UserByEmail(ctx, *email)
	if err != nil {
		return fmt.Errorf("%w: no account has the email %s", ErrUsage, *email)
	}
	if err := acc.TurnOffTOTP(ctx, u.ID); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "two-factor sign-in is off for %s; every session of the account was signed out\n", u.Email)
	return nil
}

// readPassword reads a password: the first line of the file, or of
// standard input, without its line ending. LINEUP_NEW_USER_PASSWORD, when
// set, is used instead of standard input (for scripts).
func readPassword(e *env, file string) (string, error) {
	var r io.Reader
	switch {
	case file != "":
		f, err := os.Open(file)
		if err != nil {
			return "", fmt.Errorf("%w: --password-file: %v", ErrUsage, err)
		}
		defer f.Close()
		r = f
	case e.getenv("LINEUP_NEW_USER_PASSWORD") != "":
		return e.getenv("LINEUP_NEW_USER_PASSWORD"), nil
	default:
		r = e.stdin
		if r == nil {
			r = os.Stdin
		}
	}
	line, err := bufio.NewReader(io.LimitReader(r, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read the password: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", fmt.Errorf("%w: no password given: type it on standard input, or pass --password-file FILE", ErrUsage)
	}
	return line, nil
}
