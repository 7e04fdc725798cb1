// Package search keeps Lineup's multilingual title index: original,
// alternate and localized titles, the names of the people credited and of
// the characters they play, in every language, and synopses. It finds
// Chinese, Japanese and Korean text down to a single character, folds
// full-width forms into half-width ones, finds Chinese titles and names by
// pinyin with or without tones, tolerates a typo in a Latin-script word and
// completes the last word as it is typed. Search answers only with what the
// viewer's territory has now or soon and what the profile's maturity
// allows.
//
// The index is bleve (scorch), in a folder or in memory. It is derived
// data: it can always be rebuilt from the catalogue (Rebuild), and an index
// written by an older version of this package is discarded on Open.
//
// Wiring: open one Index per process with Open(Config{Dir: <data
// folder>/search, Rights: the rights.Service}); at start, Rebuild it from
// AllTitles(ctx, the catalog.Service) in the background (searches answer
// from the previous index meanwhile); after a title is created or changed,
// IndexTitle it as catalog's GetTitle returns it (with credits); Close it
// on shutdown. Each process keeps its own index, so a title created on
// another process is found here after this one indexes it or rebuilds.
//
// An Index is safe for concurrent use.
package search

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/whitespace"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/lineup/lineup/internal/catalog"
	"github.com/lineup/lineup/internal/rights"
)

// version names the document layout and analysis rules. An index on disk
// written with another version is discarded on Open and starts empty.
const version = "2"

// Fields of an indexed document. Every text field holds tokens already
// analysed in Go (see analyze.go), joined by spaces.
const (
	fieldTitle               = "title"
	fieldTitlePrefix         = "title_prefix"
	fieldTitlePinyin         = "title_pinyin"
	fieldTitlePinyinPrefix   = "title_pinyin_prefix"
	fieldPerson              = "person"
	fieldPersonPrefix        = "person_prefix"
	fieldPersonPinyin        = "person_pinyin"
	fieldPersonPinyinPrefix  = "person_pinyin_prefix"
	fieldCharacter           = "character"
	fieldCharacterPrefix     = "character_prefix"
	fieldCharacterPinyin     = "character_pinyin"
	fieldCharacterPinyinPref = "character_pinyin_prefix"
	fieldSynopsis            = "synopsis"
	fieldTitleTypo           = "title_typo"
	fieldPersonTypo          = "person_typo"
	fieldCharacterTypo       = "character_typo"
	fieldTitlePinyinTypo     = "title_pinyin_typo"
	fieldPersonPinyinTypo    = "person_pinyin_typo"
	fieldMinAge              = "min_age"
	fieldDisplay             = "display"

	analyzerTokens = "lineup_tokens"
	internalKey    = "lineup_search_version"
	currentFile    = "CURRENT"
	batchSize      = 1000
	// maxSynopsisRunes bounds the synopsis text indexed per language.
	maxSynopsisRunes = 2000
)

// Rights answers whether a title is available in a country at an instant.
// *rights.Service satisfies it.
type Rights interface {
	Availability(ctx context.Context, titleID int64, territory string, at time.Time) (rights.Availability, error)
}

// Config says where the index lives and how it filters.
type Config struct {
	// Dir is the folder that holds the index on disk; it is created when
	// missing, and holds nothing else. Empty means in memory, for tests:
	// nothing survives Close, and segments are never merged, so an
	// in-memory index that takes many single IndexTitle calls slows down.
	Dir string
	// Rights filters results by territory. It is required.
	Rights Rights
	// ComingSoon is how far ahead a title that is not yet available still
	// shows in results, as coming soon; zero means 60 days, the horizon of
	// the lineup's coming-soon row.
	ComingSoon time.Duration
	// Now returns the current instant; nil means time.Now.
	Now func() time.Time
}

// Index is the search index. Its methods are safe for concurrent use;
// Close it when done.
type Index struct {
	cfg     Config
	mapping mapping.IndexMapping

	mu  sync.RWMutex // guards idx and dir; held shared while idx is in use
	idx bleve.Index
	dir string // the generation folder in use, "" in memory

	pendingMu sync.Mutex
	pending   map[int64]*catalog.Title // changes during a Rebuild; nil value = removed

	rebuildMu sync.Mutex // one Rebuild at a time
}

// Open opens the index in cfg.Dir, creating an empty one when there is
// none or when the one there was written by another version of this
// package, or makes an empty one in memory when cfg.Dir is "". The caller
// closes the Index.
func Open(cfg Config) (*Index, error) {
	if cfg.Rights == nil {
		return nil, errors.New("search: open: Config.Rights is required")
	}
	if cfg.ComingSoon <= 0 {
		cfg.ComingSoon = 60 * 24 * time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	x := &Index{cfg: cfg, mapping: newMapping()}
	if cfg.Dir == "" {
		idx, err := x.create("")
		if err != nil {
			return nil, fmt.Errorf("search: open: %w", err)
		}
		x.idx = idx
		return x, nil
	}
	if err := os.MkdirAll(cfg.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("search: open: %w", err)
	}
	if name, err := os.ReadFile(filepath.Join(cfg.Dir, currentFile)); err == nil {
		dir := filepath.Join(cfg.Dir, strings.TrimSpace(string(name)))
		if idx, err := bleve.Open(dir); err == nil {
			if v, err := idx.GetInternal([]byte(internalKey)); err == nil && string(v) == version {
				x.idx, x.dir = idx, dir
			} else {
				idx.Close()
			}
		}
	}
	if x.idx == nil {
		dir, idx, err := x.newGeneration()
		if err != nil {
			return nil, fmt.Errorf("search: open: %w", err)
		}
		if err := x.setCurrent(dir); err != nil {
			idx.Close()
			return nil, fmt.Errorf("search: open: %w", err)
		}
		x.idx, x.dir = idx, dir
	}
	x.removeStale()
	return x, nil
}

// Close closes the index. Calls after Close fail.
func (x *Index) Close() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.idx == nil {
		return nil
	}
	err := x.idx.Close()
	x.idx = nil
	if err != nil {
		return fmt.Errorf("search: close: %w", err)
	}
	return nil
}

// errClosed is returned by calls on a closed Index.
var errClosed = errors.New("index is closed")

// Count returns the number of titles in the index.
func (x *Index) Count() (uint64, error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.idx == nil {
		return 0, fmt.Errorf("search: count: %w", errClosed)
	}
	n, err := x.idx.DocCount()
	if err != nil {
		return 0, fmt.Errorf("search: count: %w", err)
	}
	return n, nil
}

// IndexTitle adds t to the index or replaces the title with its ID. The
// title should carry its credits (as catalog's GetTitle and CreateTitle
// return it), or the people and characters are not found. It is
// searchable when IndexTitle returns.
func (x *Index) IndexTitle(ctx context.Context, t catalog.Title) error {
	if t.ID <= 0 {
		return fmt.Errorf("search: index title: title has no ID")
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("search: index title %d: %w", t.ID, err)
	}
	doc := document(t)
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.idx == nil {
		return fmt.Errorf("search: index title %d: %w", t.ID, errClosed)
	}
	x.note(t.ID, &t)
	if err := x.idx.Index(docID(t.ID), doc); err != nil {
		return fmt.Errorf("search: index title %d: %w", t.ID, err)
	}
	return nil
}

// Remove takes the title with this ID out of the index; removing a title
// that is not there is not an error.
func (x *Index) Remove(ctx context.Context, id int64) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("search: remove title %d: %w", id, err)
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.idx == nil {
		return fmt.Errorf("search: remove title %d: %w", id, errClosed)
	}
	x.note(id, nil)
	if err := x.idx.Delete(docID(id)); err != nil {
		return fmt.Errorf("search: remove title %d: %w", id, err)
	}
	return nil
}

// note remembers a change made while a Rebuild runs, to be replayed on the
// new index before it replaces the old one.
func (x *Index) note(id int64, t *catalog.Title) {
	x.pendingMu.Lock()
	if x.pending != nil {
		x.pending[id] = t
	}
	x.pendingMu.Unlock()
}

// Rebuild replaces the whole index with the titles of the sequence, which
// should carry their credits (see AllTitles). It builds a new index beside
// the one in use, which keeps answering searches meanwhile, and swaps it in
// at the end; titles indexed or removed while it runs are carried over. On
// an error, from the sequence or the index, nothing changes. It returns the
// number of titles indexed; a title whose ID comes again in the sequence is
// indexed once, as it came first. One Rebuild runs at a time; a second
// waits.
func (x *Index) Rebuild(ctx context.Context, titles iter.Seq2[catalog.Title, error]) (int, error) {
	x.rebuildMu.Lock()
	defer x.rebuildMu.Unlock()

	x.pendingMu.Lock()
	x.pending = map[int64]*catalog.Title{}
	x.pendingMu.Unlock()
	defer func() {
		x.pendingMu.Lock()
		x.pending = nil
		x.pendingMu.Unlock()
	}()

	var dir string
	var idx bleve.Index
	var n int
	var err error
	if x.cfg.Dir == "" {
		idx, n, err = x.buildInMemory(ctx, titles)
	} else {
		dir, idx, n, err = x.buildOnDisk(ctx, titles)
	}
	if err != nil {
		return 0, fmt.Errorf("search: rebuild: %w", err)
	}
	abandon := func(err error) (int, error) {
		idx.Close()
		if dir != "" {
			os.RemoveAll(dir)
		}
		return 0, fmt.Errorf("search: rebuild: %w", err)
	}

	x.mu.Lock()
	defer x.mu.Unlock()
	if x.idx == nil {
		return abandon(errClosed)
	}
	x.pendingMu.Lock()
	b := idx.NewBatch()
	for id, t := range x.pending {
		if t == nil {
			b.Delete(docID(id))
		} else {
			b.Index(docID(id), document(*t))
		}
	}
	x.pendingMu.Unlock()
	if b.Size() > 0 {
		if err := idx.Batch(b); err != nil {
			return abandon(err)
		}
	}
	if dir != "" {
		if err := x.setCurrent(dir); err != nil {
			return abandon(err)
		}
	}
	old, oldDir := x.idx, x.dir
	x.idx, x.dir = idx, dir
	old.Close()
	if oldDir != "" {
		os.RemoveAll(oldDir)
	}
	return n, nil
}

// buildInMemory indexes the titles into a new in-memory index, in
// batches.
func (x *Index) buildInMemory(ctx context.Context, titles iter.Seq2[catalog.Title, error]) (bleve.Index, int, error) {
	idx, err := x.create("")
	if err != nil {
		return nil, 0, err
	}
	b := idx.NewBatch()
	n, err := eachDocument(ctx, titles, func(id string, doc map[string]any) error {
		if err := b.Index(id, doc); err != nil {
			return err
		}
		if b.Size() >= batchSize {
			if err := idx.Batch(b); err != nil {
				return err
			}
			b.Reset()
		}
		return nil
	})
	if err == nil && b.Size() > 0 {
		err = idx.Batch(b)
	}
	if err != nil {
		idx.Close()
		return nil, 0, err
	}
	return idx, n, nil
}

// buildOnDisk indexes the titles into a new generation folder with bleve's
// offline builder, which writes segments directly and merges them into one
// at the end: several times faster than batches into a live index, and the
// result answers queries faster (one segment to search, not dozens).
func (x *Index) buildOnDisk(ctx context.Context, titles iter.Seq2[catalog.Title, error]) (string, bleve.Index, int, error) {
	dir := filepath.Join(x.cfg.Dir, "index-"+strconv.FormatInt(time.Now().UnixNano(), 36))
	var builder bleve.Builder
	n, err := eachDocument(ctx, titles, func(id string, doc map[string]any) error {
		if builder == nil {
			var err error
			if builder, err = bleve.NewBuilder(dir, x.mapping, map[string]any{"buildPathPrefix": x.cfg.Dir}); err != nil {
				return err
			}
		}
		return builder.Index(id, doc)
	})
	if builder != nil {
		if cerr := builder.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		os.RemoveAll(dir)
		return "", nil, 0, err
	}
	var idx bleve.Index
	if builder == nil {
		idx, err = x.create(dir) // the builder cannot make an empty index
	} else if idx, err = bleve.Open(dir); err == nil {
		if err = idx.SetInternal([]byte(internalKey), []byte(version)); err != nil {
			idx.Close()
		}
	}
	if err != nil {
		os.RemoveAll(dir)
		return "", nil, 0, err
	}
	// bleve writes some files readable by everyone; the folder is 0700
	// already, and its files follow (data at rest is the owner's alone).
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			os.Chmod(p, 0o600)
		}
		return nil
	})
	return dir, idx, n, nil
}

// eachDocument calls fn with the ID and document of each title of the
// sequence, once per ID (a repeated ID is skipped), and returns how many
// it passed; the first error, from the sequence, ctx or fn, stops it.
func eachDocument(ctx context.Context, titles iter.Seq2[catalog.Title, error], fn func(id string, doc map[string]any) error) (int, error) {
	seen := map[int64]bool{}
	for t, err := range titles {
		if err != nil {
			return 0, err
		}
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		if t.ID <= 0 || seen[t.ID] {
			continue
		}
		seen[t.ID] = true
		if err := fn(docID(t.ID), document(t)); err != nil {
			return 0, err
		}
	}
	return len(seen), nil
}

// AllTitles returns every title of the catalogue with its credits, in ID
// order, for Rebuild. It reads a page of IDs at a time and then each title
// in full; the first error ends the sequence.
func AllTitles(ctx context.Context, c Catalog) iter.Seq2[catalog.Title, error] {
	return func(yield func(catalog.Title, error) bool) {
		var after int64
		for {
			page, err := c.ListTitles(ctx, catalog.ListQuery{Limit: 200, After: after})
			if err != nil {
				yield(catalog.Title{}, err)
				return
			}
			for _, light := range page {
				t, err := c.GetTitle(ctx, light.ID)
				if err != nil {
					yield(catalog.Title{}, err)
					return
				}
				if !yield(t, nil) {
					return
				}
				after = light.ID
			}
			if len(page) < 200 {
				return
			}
		}
	}
}

// Catalog reads titles for AllTitles; *catalog.Service satisfies it.
type Catalog interface {
	ListTitles(ctx context.Context, q catalog.ListQuery) ([]catalog.Title, error)
	GetTitle(ctx context.Context, id int64) (catalog.Title, error)
}

// newMapping describes the documents: text fields split on spaces (the
// analysis is done in Go), the minimum age as a number for the maturity
// filter, and the display data stored but not indexed.
func newMapping() mapping.IndexMapping {
	im := bleve.NewIndexMapping()
	if err := im.AddCustomAnalyzer(analyzerTokens, map[string]any{
		"type":      custom.Name,
		"tokenizer": whitespace.Name,
	}); err != nil {
		panic(err) // a constant configuration: fails in every test if wrong
	}
	im.DefaultAnalyzer = analyzerTokens
	im.IndexDynamic, im.StoreDynamic, im.DocValuesDynamic = false, false, false

	dm := bleve.NewDocumentStaticMapping()
	for _, f := range []string{
		fieldTitle, fieldTitlePrefix, fieldTitlePinyin, fieldTitlePinyinPrefix,
		fieldPerson, fieldPersonPrefix, fieldPersonPinyin, fieldPersonPinyinPrefix,
		fieldCharacter, fieldCharacterPrefix, fieldCharacterPinyin, fieldCharacterPinyinPref,
		fieldSynopsis, fieldTitleTypo, fieldPersonTypo, fieldCharacterTypo,
		fieldTitlePinyinTypo, fieldPersonPinyinTypo,
	} {
		fm := bleve.NewTextFieldMapping()
		fm.Analyzer = analyzerTokens
		fm.Store, fm.IncludeTermVectors, fm.IncludeInAll, fm.DocValues = false, false, false, false
		dm.AddFieldMappingsAt(f, fm)
	}
	age := bleve.NewNumericFieldMapping()
	age.Store, age.IncludeInAll, age.DocValues = false, false, false
	dm.AddFieldMappingsAt(fieldMinAge, age)
	disp := bleve.NewTextFieldMapping()
	disp.Index, disp.Store, disp.IncludeInAll, disp.DocValues = false, true, false, false
	dm.AddFieldMappingsAt(fieldDisplay, disp)
	im.DefaultMapping = dm
	return im
}

// create makes a new empty scorch index at path, in memory when path is "".
func (x *Index) create(path string) (bleve.Index, error) {
	idx, err := bleve.NewUsing(path, x.mapping, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, err
	}
	if err := idx.SetInternal([]byte(internalKey), []byte(version)); err != nil {
		idx.Close()
		return nil, err
	}
	return idx, nil
}

// newGeneration creates a new empty index: in a new folder under Dir named
// for the instant, or in memory.
func (x *Index) newGeneration() (string, bleve.Index, error) {
	if x.cfg.Dir == "" {
		idx, err := x.create("")
		return "", idx, err
	}
	dir := filepath.Join(x.cfg.Dir, "index-"+strconv.FormatInt(time.Now().UnixNano(), 36))
	idx, err := x.create(dir)
	if err != nil {
		os.RemoveAll(dir)
		return "", nil, err
	}
	return dir, idx, nil
}

// setCurrent records dir as the generation to open next time, atomically.
func (x *Index) setCurrent(dir string) error {
	tmp := filepath.Join(x.cfg.Dir, currentFile+".tmp")
	if err := os.WriteFile(tmp, []byte(filepath.Base(dir)+"\n"), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(x.cfg.Dir, currentFile))
}

// removeStale removes the generation folders a crash left behind.
func (x *Index) removeStale() {
	entries, err := os.ReadDir(x.cfg.Dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		p := filepath.Join(x.cfg.Dir, e.Name())
		if e.IsDir() && strings.HasPrefix(e.Name(), "index-") && p != x.dir {
			os.RemoveAll(p)
		}
	}
}

func docID(id int64) string { return strconv.FormatInt(id, 10) }

// display is what a hit shows, stored with the document so that a search
// needs no database read to name its results.
type display struct {
	Original string         `json:"o"`
	Language string         `json:"ol,omitempty"`
	Year     int            `json:"y,omitempty"`
	MinAge   int            `json:"a,omitempty"`
	Titles   []displayTitle `json:"l,omitempty"`
}

type displayTitle struct {
	Language string `json:"g"`
	Title    string `json:"t"`
}

// document turns a title into the fields the index stores.
func document(t catalog.Title) map[string]any {
	var title, titlePre, titlePy, titlePyPre, titleTypo, titlePyTypo tokenSet
	var person, personPre, personPy, personPyPre, personTypo, personPyTypo tokenSet
	var char, charPre, charPy, charPyPre, charTypo tokenSet
	var synopsis tokenSet

	addTitle := func(text, lang string) {
		addText(&title, &titlePre, &titleTypo, text)
		addPinyin(&titlePy, &titlePyPre, &titlePyTypo, text, lang)
	}
	addPerson := func(text, lang string) {
		addText(&person, &personPre, &personTypo, text)
		addPinyin(&personPy, &personPyPre, &personPyTypo, text, lang)
	}
	addCharacter := func(text, lang string) {
		addText(&char, &charPre, &charTypo, text)
		addPinyin(&charPy, &charPyPre, nil, text, lang)
	}
	addTitle(t.OriginalTitle, t.OriginalLanguage)
	for _, a := range t.AlternateTitles {
		addTitle(a.Title, a.Language)
	}
	d := display{Original: t.OriginalTitle, Language: t.OriginalLanguage, Year: t.Year, MinAge: t.MinAge}
	for _, l := range t.Localizations {
		if l.Title != "" {
			addTitle(l.Title, l.Language)
			d.Titles = append(d.Titles, displayTitle{Language: l.Language, Title: l.Title})
		}
		if l.Synopsis != "" {
			addText(&synopsis, nil, nil, cut(l.Synopsis, maxSynopsisRunes))
		}
	}
	for _, c := range t.Credits {
		addPerson(c.Person.Name, "")
		for _, n := range c.Person.Names {
			addPerson(n.Name, n.Language)
		}
		if c.Character != "" {
			addCharacter(c.Character, t.OriginalLanguage)
		}
		for _, n := range c.CharacterNames {
			addCharacter(n.Name, n.Language)
		}
	}
	disp, _ := json.Marshal(d) // plain strings and ints: cannot fail
	return map[string]any{
		fieldTitle:               title.String(),
		fieldTitlePrefix:         titlePre.String(),
		fieldTitlePinyin:         titlePy.String(),
		fieldTitlePinyinPrefix:   titlePyPre.String(),
		fieldPerson:              person.String(),
		fieldPersonPrefix:        personPre.String(),
		fieldPersonPinyin:        personPy.String(),
		fieldPersonPinyinPrefix:  personPyPre.String(),
		fieldCharacter:           char.String(),
		fieldCharacterPrefix:     charPre.String(),
		fieldCharacterPinyin:     charPy.String(),
		fieldCharacterPinyinPref: charPyPre.String(),
		fieldSynopsis:            synopsis.String(),
		fieldTitleTypo:           titleTypo.String(),
		fieldPersonTypo:          personTypo.String(),
		fieldCharacterTypo:       charTypo.String(),
		fieldTitlePinyinTypo:     titlePyTypo.String(),
		fieldPersonPinyinTypo:    personPyTypo.String(),
		fieldMinAge:              float64(t.MinAge),
		fieldDisplay:             string(disp),
	}
}
