// Package s3input reads inputs and corpora kept in S3-compatible object
// storage: s3://bucket/key is one object (a bundle, streamed from its
// first byte, never copied to disk), s3://bucket/prefix/ the objects under
// the prefix, read as a directory is. Credentials, region and endpoint come
// from the AWS SDK's standard chain: the AWS_* environment variables, the
// shared config and credentials files and their profiles (AWS_PROFILE),
// web identity, the container and instance roles. AWS_ENDPOINT_URL_S3 (or
// AWS_ENDPOINT_URL, or endpoint_url in the profile) points it at an
// S3-compatible server, which is then addressed path-style
// (http://host/bucket/key), as such servers expect.
//
// Nothing here runs unless an s3:// location is given: analyze stays
// usable without a network.
package s3input

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

// Scheme starts every location this package reads.
const Scheme = "s3://"

// IsURL reports whether s names an S3 location.
func IsURL(s string) bool { return strings.HasPrefix(s, Scheme) }

// Location is a parsed s3:// URL.
type Location struct {
	Bucket string
	// Key is the object's key, or a prefix when it is empty or ends in "/".
	Key string
}

// Parse reads s3://bucket/key or s3://bucket/prefix/.
func Parse(s string) (Location, error) {
	rest, ok := strings.CutPrefix(s, Scheme)
	if !ok {
		return Location{}, fmt.Errorf("%s: not an s3:// location", s)
	}
	bucket, key, _ := strings.Cut(rest, "/")
	if bucket == "" {
		return Location{}, fmt.Errorf("%s: no bucket (want s3://BUCKET/KEY or s3://BUCKET/PREFIX/)", s)
	}
	if strings.ContainsAny(bucket, "?#") || strings.HasPrefix(key, "/") || strings.Contains(key, "//") {
		return Location{}, fmt.Errorf("%s: not a bucket and key", s)
	}
	return Location{Bucket: bucket, Key: key}, nil
}

// IsPrefix reports whether l names the objects under a prefix rather than
// one object.
func (l Location) IsPrefix() bool { return l.Key == "" || strings.HasSuffix(l.Key, "/") }

// String is the location as a URL.
func (l Location) String() string { return Scheme + l.Bucket + "/" + l.Key }

// Join returns the location of rel under the prefix l.
func (l Location) Join(rel string) Location {
	return Location{Bucket: l.Bucket, Key: l.Key + rel}
}

// Object is one object of a listing.
type Object struct {
	// Key is the full key; Rel the part after the listed prefix.
	Key, Rel string
	Size     int64
}

// Client reads objects. It is safe for concurrent use.
type Client struct {
	s3 *s3.Client
}

var (
	defaultOnce   sync.Once
	defaultClient *Client
	defaultErr    error
)

// Default returns the client of the standard AWS configuration, made on
// first use (the configuration is read once per process).
func Default(ctx context.Context) (*Client, error) {
	defaultOnce.Do(func() {
		defaultClient, defaultErr = New(ctx)
	})
	return defaultClient, defaultErr
}

// New reads the standard AWS configuration and makes a client.
func New(ctx context.Context) (*Client, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("s3: AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		// S3-compatible servers accept any region in the signature;
		// AWS answers with the bucket's real one in a redirect error.
		cfg.Region = "us-east-1"
	}
	c := s3.NewFromConfig(cfg, func(o *s3.Options) {
		if o.BaseEndpoint != nil {
			o.UsePathStyle = true
		}
		// Checksums only where S3 requires them: S3-compatible servers
		// often send none, and the SDK would warn on every GetObject.
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
		o.DisableLogOutputChecksumValidationSkipped = true
	})
	return &Client{s3: c}, nil
}

// Open streams the object at l from its first byte: the body is read as
// the caller reads it. size is -1 when the server did not say.
func (c *Client) Open(ctx context.Context, l Location) (body io.ReadCloser, size int64, err error) {
	out, err := c.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(l.Bucket), Key: aws.String(l.Key)})
	if err != nil {
		return nil, 0, describe(l, err)
	}
	size = -1
	if out.ContentLength != nil {
		size = *out.ContentLength
	}
	return out.Body, size, nil
}

// ReadAll reads a small object whole, up to limit bytes.
func (c *Client) ReadAll(ctx context.Context, l Location, limit int64) ([]byte, error) {
	body, _, err := c.Open(ctx, l)
	if err != nil {
		return nil, err
	}
	defer body.Close()
	data, err := io.ReadAll(io.LimitReader(body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", l, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s: larger than %d bytes", l, limit)
	}
	return data, nil
}

// Stat returns the size of the object at l.
func (c *Client) Stat(ctx context.Context, l Location) (int64, error) {
	out, err := c.s3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(l.Bucket), Key: aws.String(l.Key)})
	if err != nil {
		return 0, describe(l, err)
	}
	if out.ContentLength == nil {
		return -1, nil
	}
	return *out.ContentLength, nil
}

// List returns every object under the prefix l, sorted by key.
// "Directory" marker objects (keys ending in "/") are left out.
func (c *Client) List(ctx context.Context, l Location) ([]Object, error) {
	var out []Object
	p := s3.NewListObjectsV2Paginator(c.s3, &s3.ListObjectsV2Input{Bucket: aws.String(l.Bucket), Prefix: aws.String(l.Key)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, describe(l, err)
		}
		for _, o := range page.Contents {
			key := aws.ToString(o.Key)
			if strings.HasSuffix(key, "/") {
				continue
			}
			out = append(out, Object{Key: key, Rel: strings.TrimPrefix(key, l.Key), Size: aws.ToInt64(o.Size)})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// describe turns an SDK error into one naming the location and what to
// check: a missing bucket or key, denied access, no credentials.
func describe(l Location, err error) error {
	var nsk *types.NoSuchKey
	var nsb *types.NoSuchBucket
	var nf *types.NotFound
	var api smithy.APIError
	switch {
	case errors.As(err, &nsk), errors.As(err, &nf):
		return fmt.Errorf("%s: no such object", l)
	case errors.As(err, &nsb):
		return fmt.Errorf("%s: no such bucket %q", l, l.Bucket)
	case errors.As(err, &api) && (api.ErrorCode() == "AccessDenied" || api.ErrorCode() == "Forbidden"):
		return fmt.Errorf("%s: access denied (check the credentials: AWS_PROFILE, AWS_ACCESS_KEY_ID, ...): %s", l, api.ErrorMessage())
	case errors.As(err, &api) && api.ErrorCode() == "NoSuchBucket":
		return fmt.Errorf("%s: no such bucket %q", l, l.Bucket)
	case strings.Contains(err.Error(), "failed to retrieve credentials"), strings.Contains(err.Error(), "no EC2 IMDS role found"):
		return fmt.Errorf("%s: no AWS credentials found (set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY): %w", l, err)
	}
	return fmt.Errorf("%s: %w", l, err)
}
