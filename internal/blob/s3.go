package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3 is a Store kept in a bucket of an S3-compatible object store, under an
// optional key prefix. A single PUT (or a multipart upload, completed only
// when every part arrived) makes an object visible whole, so readers never
// see part of one. S3 is safe for concurrent use.
type S3 struct {
	client *minio.Client
	bucket string
	prefix string // "" or ends with "/"
}

var _ Store = (*S3)(nil)

// S3Config configures NewS3.
type S3Config struct {
	// Endpoint is host[:port] of the S3 API.
	Endpoint string
	// Bucket must already exist.
	Bucket string
	// Prefix, when set, is prepended (with a slash) to every key.
	Prefix string
	// Region is the bucket's region; empty lets the client discover it.
	Region string
	// Secure selects HTTPS.
	Secure bool
	// PathStyle forces path-style requests (http://host/bucket/key), which
	// most self-hosted servers need; false lets the client choose.
	PathStyle bool
	// AccessKey, SecretKey and SessionToken are the credentials.
	AccessKey, SecretKey, SessionToken string
}

// unknownSizePartSize bounds the memory a Put of unknown size buffers: the
// client otherwise picks parts big enough for a 5 TiB object.
const unknownSizePartSize = 16 << 20

// NewS3 connects to the bucket cfg names and checks that it exists.
func NewS3(ctx context.Context, cfg S3Config) (*S3, error) {
	if cfg.Bucket == "" {
		return nil, errors.New("blob: s3: no bucket")
	}
	prefix := strings.Trim(cfg.Prefix, "/")
	if prefix != "" {
		if err := ValidateKey(prefix); err != nil {
			return nil, fmt.Errorf("blob: s3: prefix: %w", err)
		}
		prefix += "/"
	}
	if cfg.AccessKey == "" || cfg.SecretKey == "" {
		return nil, errors.New("blob: s3: no credentials: set LINEUP_S3_ACCESS_KEY and LINEUP_S3_SECRET_KEY")
	}
	lookup := minio.BucketLookupAuto
	if cfg.PathStyle {
		lookup = minio.BucketLookupPath
	}
	c, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:        credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, cfg.SessionToken),
		Secure:       cfg.Secure,
		Region:       cfg.Region,
		BucketLookup: lookup,
	})
	if err != nil {
		return nil, fmt.Errorf("blob: s3: %w", err)
	}
	ok, err := c.BucketExists(ctx, cfg.Bucket)
	if err != nil {
		return nil, fmt.Errorf("blob: s3: bucket %s: %w", cfg.Bucket, err)
	}
	if !ok {
		return nil, fmt.Errorf("blob: s3: bucket %s does not exist", cfg.Bucket)
	}
	return &S3{client: c, bucket: cfg.Bucket, prefix: prefix}, nil
}

func openS3(ctx context.Context, u *url.URL, getenv func(string) string) (*S3, error) {
	cfg := S3Config{
		Bucket:   u.Host,
		Prefix:   u.Path,
		Endpoint: "s3.amazonaws.com",
		Secure:   true,
	}
	for name, vs := range u.Query() {
		v := vs[len(vs)-1]
		var err error
		switch name {
		case "endpoint":
			cfg.Endpoint = v
		case "region":
			cfg.Region = v
		case "secure":
			cfg.Secure, err = parseBool(name, v)
		case "path_style":
			cfg.PathStyle, err = parseBool(name, v)
		default:
			err = fmt.Errorf("unknown parameter %q (known: endpoint, region, secure, path_style)", name)
		}
		if err != nil {
			return nil, fmt.Errorf("blob: open s3://%s: %w", u.Host, err)
		}
	}
	cfg.AccessKey, cfg.SecretKey = getenv("LINEUP_S3_ACCESS_KEY"), getenv("LINEUP_S3_SECRET_KEY")
	if cfg.AccessKey == "" && cfg.SecretKey == "" {
		cfg.AccessKey, cfg.SecretKey = getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY")
		cfg.SessionToken = getenv("AWS_SESSION_TOKEN")
	}
	return NewS3(ctx, cfg)
}

// Put implements Store.
func (s *S3) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	if err := ValidateKey(key); err != nil {
		return fmt.Errorf("blob: put: %w", err)
	}
	if contentType == "" {
		contentType = ContentTypeFor(key)
	}
	opts := minio.PutObjectOptions{ContentType: contentType}
	if size < 0 {
		opts.PartSize = unknownSizePartSize
	}
	src := io.Reader(ctxReader{ctx, r})
	if size >= 0 {
		src = &exactReader{r: src, left: size}
	}
	if _, err := s.client.PutObject(ctx, s.bucket, s.prefix+key, src, size, opts); err != nil {
		return fmt.Errorf("blob: put %s: %w", key, err)
	}
	return nil
}

// exactReader fails when its reader ends before, or runs past, the size
// promised, so that a short or long body is an error rather than a
// truncated object.
type exactReader struct {
	r    io.Reader
	left int64
}

func (e *exactReader) Read(p []byte) (int, error) {
	if e.left == 0 {
		var one [1]byte
		if n, _ := io.ReadFull(e.r, one[:]); n > 0 {
			return 0, errors.New("reader gave more bytes than its size")
		}
		return 0, io.EOF
	}
	if int64(len(p)) > e.left {
		p = p[:e.left]
	}
	n, err := e.r.Read(p)
	e.left -= int64(n)
	if err == io.EOF && e.left > 0 {
		return n, io.ErrUnexpectedEOF
	}
	if err == io.EOF {
		err = nil
	}
	return n, err
}

// Get implements Store.
func (s *S3) Get(ctx context.Context, key string, offset, length int64) (io.ReadCloser, Info, error) {
	if err := ValidateKey(key); err != nil {
		return nil, Info{}, fmt.Errorf("blob: get: %w", err)
	}
	if offset < 0 || length < -1 || length == 0 {
		return nil, Info{}, fmt.Errorf("blob: get %s: offset %d length %d: %w", key, offset, length, ErrInvalidRange)
	}
	var opts minio.GetObjectOptions
	ranged := offset != 0 || length >= 0
	if ranged {
		end := int64(0) // to the end
		if length > 0 {
			end = offset + length - 1
		}
		var err error
		if end == 0 {
			err = opts.SetRange(offset, 0)
		} else {
			err = opts.SetRange(offset, end)
		}
		if err != nil {
			return nil, Info{}, fmt.Errorf("blob: get %s: %w", key, err)
		}
	}
	body, oi, hdr, err := minio.Core{Client: s.client}.GetObject(ctx, s.bucket, s.prefix+key, opts)
	if err != nil {
		return nil, Info{}, fmt.Errorf("blob: get %s: %w", key, s3Error(err))
	}
	info := s.info(oi)
	if ranged {
		// Size is the length of the range here; the whole object's size is
		// after the slash of Content-Range: "bytes 0-9/100".
		cr := hdr.Get("Content-Range")
		i := strings.LastIndexByte(cr, '/')
		total, perr := strconv.ParseInt(cr[i+1:], 10, 64)
		if i < 0 || perr != nil {
			body.Close()
			return nil, Info{}, fmt.Errorf("blob: get %s: bad Content-Range %q", key, cr)
		}
		info.Size = total
	}
	return body, info, nil
}

// Stat implements Store.
func (s *S3) Stat(ctx context.Context, key string) (Info, error) {
	if err := ValidateKey(key); err != nil {
		return Info{}, fmt.Errorf("blob: stat: %w", err)
	}
	oi, err := s.client.StatObject(ctx, s.bucket, s.prefix+key, minio.StatObjectOptions{})
	if err != nil {
		return Info{}, fmt.Errorf("blob: stat %s: %w", key, s3Error(err))
	}
	return s.info(oi), nil
}

// Delete implements Store.
func (s *S3) Delete(ctx context.Context, key string) error {
	if err := ValidateKey(key); err != nil {
		return fmt.Errorf("blob: delete: %w", err)
	}
	if err := s.client.RemoveObject(ctx, s.bucket, s.prefix+key, minio.RemoveObjectOptions{}); err != nil {
		if err := s3Error(err); !errors.Is(err, ErrNotFound) {
			return fmt.Errorf("blob: delete %s: %w", key, err)
		}
	}
	return nil
}

// List implements Store.
func (s *S3) List(ctx context.Context, prefix string) ([]Info, error) {
	if err := ValidatePrefix(prefix); err != nil {
		return nil, fmt.Errorf("blob: list: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops the listing goroutine on an early return
	var out []Info
	for oi := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: s.prefix + prefix, Recursive: true}) {
		if oi.Err != nil {
			return nil, fmt.Errorf("blob: list %s: %w", prefix, s3Error(oi.Err))
		}
		if strings.HasSuffix(oi.Key, "/") { // a folder marker some servers report
			continue
		}
		out = append(out, s.info(oi))
	}
	slices.SortFunc(out, func(a, b Info) int { return strings.Compare(a.Key, b.Key) })
	return out, nil
}

func (s *S3) info(oi minio.ObjectInfo) Info {
	return Info{
		Key:         strings.TrimPrefix(oi.Key, s.prefix),
		Size:        oi.Size,
		ContentType: oi.ContentType,
		ModTime:     oi.LastModified,
		ETag:        strings.Trim(oi.ETag, `"`),
	}
}

func s3Error(err error) error {
	resp := minio.ToErrorResponse(err)
	switch {
	case resp.Code == minio.NoSuchKey || resp.StatusCode == http.StatusNotFound && resp.Code != minio.NoSuchBucket:
		return fmt.Errorf("%w (%v)", ErrNotFound, err)
	case resp.Code == minio.InvalidRange || resp.StatusCode == http.StatusRequestedRangeNotSatisfiable:
		return fmt.Errorf("%w (%v)", ErrInvalidRange, err)
	}
	return err
}
