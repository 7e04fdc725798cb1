package web

import (
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/lineup/lineup/internal/media"
)

// assetsIngest takes a film as a multipart upload: a "video" part, and any
// number of "audio:LANG" and "subtitle:LANG" parts. It answers 202 with the
// queued asset.
func (s *Server) assetsIngest(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a, err := s.ingest(w, r, id)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/assets/"+strconv.FormatInt(a.ID, 10))
	return writeJSON(w, http.StatusAccepted, a)
}

// ingest streams each part of a multipart upload to a temporary file (never
// holding it in memory) within the upload limit, then hands the files to the
// media service, which stores the source and queues the encode. titleID 0
// takes the title from a "title" field. Tracks are "audio:LANG" and
// "subtitle:LANG" parts, or "audio"/"subtitle" parts after "audio_lang"/
// "subtitle_lang" fields (as the admin page's plain form sends them).
func (s *Server) ingest(w http.ResponseWriter, r *http.Request, titleID int64) (media.Asset, error) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "multipart/form-data" {
		return media.Asset{}, errBadRequest("body", "", "send the film as multipart/form-data with a video part (and audio:LANG, subtitle:LANG parts)")
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.MaxUploadBytes)
	dir, err := os.MkdirTemp(s.UploadDir, "lineup-upload-")
	if err != nil {
		return media.Asset{}, fmt.Errorf("web: upload: %w", err)
	}
	defer os.RemoveAll(dir)
	mr, err := r.MultipartReader()
	if err != nil {
		return media.Asset{}, errBadRequest("body", "", "the multipart form could not be read: "+err.Error())
	}
	req := media.IngestRequest{TitleID: titleID}
	fields := map[string]string{}
	var files []*os.File
	defer func() {
		for _, f := range files {
			f.Close()
		}
	}()
	for n := 0; ; n++ {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return media.Asset{}, uploadErr(err)
		}
		name := part.FormName()
		if part.FileName() == "" {
			// A plain field: small by nature, and bounded here.
			b, err := io.ReadAll(io.LimitReader(part, 1024))
			if err != nil {
				return media.Asset{}, uploadErr(err)
			}
			fields[name] = strings.TrimSpace(string(b))
			continue
		}
		kind, lang, _ := strings.Cut(name, ":")
		if lang == "" {
			lang = fields[kind+"_lang"]
		}
		if kind != "video" && kind != "audio" && kind != "subtitle" {
			return media.Asset{}, errBadRequest(name, "", "unknown part "+name+": use video, audio:LANG or subtitle:LANG")
		}
		if kind != "video" && lang == "" {
			return media.Asset{}, errBadRequest(name, "", "name the language of each track: audio:zh, subtitle:en")
		}
		f, err := os.Create(filepath.Join(dir, strconv.Itoa(n)))
		if err != nil {
			return media.Asset{}, fmt.Errorf("web: upload: %w", err)
		}
		files = append(files, f)
		if _, err := io.Copy(f, part); err != nil {
			return media.Asset{}, uploadErr(err)
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return media.Asset{}, err
		}
		base := filepath.Base(part.FileName())
		switch kind {
		case "video":
			if req.Source != nil {
				return media.Asset{}, errBadRequest("video", "", "send one video part")
			}
			req.Source, req.Filename = f, base
		case "audio":
			req.Audio = append(req.Audio, media.Track{Language: lang, Filename: base, Reader: f})
		case "subtitle":
			// A subtitle part may name its text encoding, as any text part
			// does: Content-Type: text/plain; charset=big5.
			_, params, _ := mime.ParseMediaType(part.Header.Get("Content-Type"))
			req.Subtitles = append(req.Subtitles, media.Track{Language: lang, Filename: base, Reader: f, Charset: params["charset"]})
		}
	}
	if req.TitleID == 0 {
		id, err := strconv.ParseInt(fields["title"], 10, 64)
		if err != nil || id <= 0 {
			return media.Asset{}, errBadRequest("title", fields["title"], "choose the title the film belongs to")
		}
		req.TitleID = id
	}
	if _, err := s.Catalog.GetTitle(r.Context(), req.TitleID); err != nil {
		return media.Asset{}, err
	}
	if req.Source == nil {
		return media.Asset{}, errBadRequest("video", "", "the upload has no video part")
	}
	return s.Media.Ingest(r.Context(), req)
}

func uploadErr(err error) error {
	var mbe *http.MaxBytesError
	if asMaxBytes(err, &mbe) {
		return err
	}
	return errBadRequest("body", "", "the upload broke off: "+err.Error())
}

func (s *Server) assetsGet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a, err := s.Media.Asset(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, a)
}

func (s *Server) titleAssets(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	as, err := s.Media.Assets(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"assets": nonNil(as)})
}
