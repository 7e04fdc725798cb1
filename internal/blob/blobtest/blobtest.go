// Package blobtest gives tests a real blob store: a folder in the test's
// temporary directory, or a bucket on a versitygw S3 gateway started for
// the test.
//
// The S3 half needs the versitygw binary on PATH or in $(go env
// GOPATH)/bin; without it the test is skipped, unless
// LINEUP_TEST_REQUIRE_S3=1, when it fails instead (CI sets that).
package blobtest

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"

	"github.com/lineup/lineup/internal/blob"
	"github.com/lineup/lineup/internal/blob/versitygw"
)

// Credentials of the gateways S3 starts.
const (
	AccessKey = versitygw.AccessKey
	SecretKey = versitygw.SecretKey
)

// Folder returns a folder store in a fresh temporary directory.
func Folder(t testing.TB) *blob.Folder {
	t.Helper()
	f, err := blob.NewFolder(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// S3 returns a store on a new bucket of a versitygw gateway that lives as
// long as the test, and the store's URL (credentials are AccessKey and
// SecretKey, as LINEUP_S3_ACCESS_KEY and LINEUP_S3_SECRET_KEY).
func S3(t testing.TB) (blob.Store, string) {
	t.Helper()
	return S3At(t, versitygw.Start(t))
}

// S3At is S3 on the gateway at endpoint (one the test may stop, see
// versitygw.StartServer).
func S3At(t testing.TB, endpoint string) (blob.Store, string) {
	t.Helper()
	bucket := "lineup-" + strings.ToLower(rand.Text()[:12])
	c := versitygw.Client(t, endpoint)
	if err := c.MakeBucket(context.Background(), bucket, minio.MakeBucketOptions{Region: "us-east-1"}); err != nil {
		t.Fatalf("make bucket %s: %v", bucket, err)
	}
	url := fmt.Sprintf("s3://%s?endpoint=%s&region=us-east-1&secure=false&path_style=true", bucket, endpoint)
	env := map[string]string{"LINEUP_S3_ACCESS_KEY": AccessKey, "LINEUP_S3_SECRET_KEY": SecretKey}
	s, err := blob.Open(context.Background(), url, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	return s, url
}
