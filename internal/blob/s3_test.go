package blob

import (
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/minio/minio-go/v7"

	"github.com/lineup/lineup/internal/blob/versitygw"
)

const (
	testAccessKey = versitygw.AccessKey
	testSecretKey = versitygw.SecretKey
)

func TestS3(t *testing.T) {
	endpoint := startVersityGW(t)
	var n atomic.Int64
	env := map[string]string{"LINEUP_S3_ACCESS_KEY": testAccessKey, "LINEUP_S3_SECRET_KEY": testSecretKey}
	testStore(t, func(t *testing.T) Store {
		bucket := fmt.Sprintf("lineup-test-%d", n.Add(1))
		makeBucket(t, endpoint, bucket)
		// Each store lives under a prefix, which the tests must not notice.
		url := fmt.Sprintf("s3://%s/under/prefix?endpoint=%s&region=us-east-1&secure=false&path_style=true", bucket, endpoint)
		s, err := Open(t.Context(), url, func(k string) string { return env[k] })
		if err != nil {
			t.Fatal(err)
		}
		return s
	})

	t.Run("AWS variables are read too", func(t *testing.T) {
		makeBucket(t, endpoint, "lineup-aws-env")
		env := map[string]string{"AWS_ACCESS_KEY_ID": testAccessKey, "AWS_SECRET_ACCESS_KEY": testSecretKey}
		s, err := Open(t.Context(), "s3://lineup-aws-env?endpoint="+endpoint+"&secure=false&path_style=true", func(k string) string { return env[k] })
		if err != nil {
			t.Fatal(err)
		}
		mustPut(t, s, "k.vtt", []byte("WEBVTT\n"), "")
	})

	t.Run("a missing bucket fails at open", func(t *testing.T) {
		_, err := Open(t.Context(), "s3://no-such-bucket?endpoint="+endpoint+"&secure=false&path_style=true", func(k string) string { return env[k] })
		if err == nil || !strings.Contains(err.Error(), "does not exist") {
			t.Errorf("open must say the bucket does not exist: %v", err)
		}
	})

	t.Run("wrong credentials fail at open", func(t *testing.T) {
		bad := map[string]string{"LINEUP_S3_ACCESS_KEY": testAccessKey, "LINEUP_S3_SECRET_KEY": "wrong-secret-key"}
		if _, err := Open(t.Context(), "s3://lineup-aws-env?endpoint="+endpoint+"&secure=false&path_style=true", func(k string) string { return bad[k] }); err == nil {
			t.Errorf("open with a wrong secret must fail")
		}
	})

	t.Run("prefix isolates stores in one bucket", func(t *testing.T) {
		makeBucket(t, endpoint, "lineup-shared")
		open := func(prefix string) Store {
			s, err := Open(t.Context(), "s3://lineup-shared/"+prefix+"?endpoint="+endpoint+"&secure=false&path_style=true", func(k string) string { return env[k] })
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		a, b := open("one"), open("two")
		mustPut(t, a, "x.m4s", []byte("a"), "")
		if _, err := b.Stat(t.Context(), "x.m4s"); !errors.Is(err, ErrNotFound) {
			t.Errorf("a store must not see another prefix's objects: %v", err)
		}
		list, err := a.List(t.Context(), "")
		if err != nil || len(list) != 1 || list[0].Key != "x.m4s" {
			t.Errorf("list must give keys relative to the store's prefix: %v %v", keysOf(list), err)
		}
	})
}

func startVersityGW(t *testing.T) string { return versitygw.Start(t) }

func testS3Client(t *testing.T, endpoint string) *minio.Client { return versitygw.Client(t, endpoint) }

func makeBucket(t *testing.T, endpoint, bucket string) {
	t.Helper()
	if err := testS3Client(t, endpoint).MakeBucket(t.Context(), bucket, minio.MakeBucketOptions{Region: "us-east-1"}); err != nil {
		t.Fatalf("make bucket %s: %v", bucket, err)
	}
}
