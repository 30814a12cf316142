// Package kwok pins istio.io/api so that its CRD file is in the module cache.
package kwok

import _ "istio.io/api/networking/v1alpha3"
