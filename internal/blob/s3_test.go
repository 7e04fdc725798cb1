package blob

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

const (
	testAccessKey = "lineuptestaccess"
	testSecretKey = "lineuptestsecret1234"
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

// startVersityGW starts a versitygw S3 gateway over a temporary folder on a
// free port, stops it when the test ends and returns its host:port. It skips
// the test when versitygw is not installed, unless LINEUP_TEST_REQUIRE_S3=1.
func startVersityGW(t *testing.T) string {
	t.Helper()
	bin := findVersityGW()
	if bin == "" {
		const how = "versitygw not found on PATH or in $(go env GOPATH)/bin; install it with: go install github.com/versity/versitygw/cmd/versitygw@v1.8.0"
		if os.Getenv("LINEUP_TEST_REQUIRE_S3") == "1" {
			t.Fatal(how)
		}
		t.Skip(how)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()

	var stderr bytes.Buffer
	cmd := exec.Command(bin, "--port", addr, "--access", testAccessKey, "--secret", testSecretKey, "posix", t.TempDir())
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start versitygw: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	})

	c := testS3Client(t, addr)
	deadline := time.Now().Add(20 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		_, err := c.ListBuckets(ctx)
		cancel()
		if err == nil {
			return addr
		}
		select {
		case err := <-exited:
			t.Fatalf("versitygw exited: %v\n%s", err, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("versitygw did not answer on %s: %v\n%s", addr, err, stderr.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func findVersityGW() string {
	if p, err := exec.LookPath("versitygw"); err == nil {
		return p
	}
	gopath, err := exec.Command("go", "env", "GOPATH").Output()
	if err != nil {
		return ""
	}
	for _, dir := range filepath.SplitList(strings.TrimSpace(string(gopath))) {
		p := filepath.Join(dir, "bin", "versitygw")
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p
		}
	}
	return ""
}

func testS3Client(t *testing.T, endpoint string) *minio.Client {
	t.Helper()
	c, err := minio.New(endpoint, &minio.Options{
		Creds:        credentials.NewStaticV4(testAccessKey, testSecretKey, ""),
		Region:       "us-east-1",
		BucketLookup: minio.BucketLookupPath,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func makeBucket(t *testing.T, endpoint, bucket string) {
	t.Helper()
	if err := testS3Client(t, endpoint).MakeBucket(t.Context(), bucket, minio.MakeBucketOptions{Region: "us-east-1"}); err != nil {
		t.Fatalf("make bucket %s: %v", bucket, err)
	}
}
