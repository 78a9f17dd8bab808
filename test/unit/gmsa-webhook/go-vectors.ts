// Expected outputs of Go's encoding/json, strconv.Quote and fmt.Errorf, recorded by running small
// programs against Go's standard library (go1.26; these behaviours are unchanged since go1.22, the
// floor for upstream's go1.23 toolchain). Decode errors were recorded with structs mirroring the
// k8s.io/api types' names and JSON tags. Each entry is [input, expected].
export const marshalVectors: [string, string][] = [
 [
  "{\"b\":1,\"a\":{\"z\":[1,2.5,\"x<y>&z\"],\"y\":null},\"A\":true,\"é\":\"\\u2028\\u2029\",\"_\":\"\\u0001\\b\\f\\n\\r\\t\\u001f\\u007f\"}",
  "{\"A\":true,\"_\":\"\\u0001\\b\\f\\n\\r\\t\\u001f\",\"a\":{\"y\":null,\"z\":[1,2.5,\"x\\u003cy\\u003e\\u0026z\"]},\"b\":1,\"é\":\"\\u2028\\u2029\"}"
 ],
 [
  "{\"CmsPlugins\":[\"ActiveDirectory\"],\"DomainJoinConfig\":{\"Sid\":\"S-1-5-21-2126449477-2524075714-3094792973\",\"MachineAccountName\":\"WebApp1\",\"Guid\":\"244818ae-87ac-4fcd-92ec-e79e5252348a\",\"DnsTreeName\":\"contoso.com\",\"DnsName\":\"contoso.com\",\"NetBiosName\":\"CONTOSO\"},\"ActiveDirectoryConfig\":{\"GroupManagedServiceAccounts\":[{\"Name\":\"WebApp1\",\"Scope\":\"contoso.com\"},{\"Name\":\"WebApp1\",\"Scope\":\"CONTOSO\"}]}}",
  "{\"ActiveDirectoryConfig\":{\"GroupManagedServiceAccounts\":[{\"Name\":\"WebApp1\",\"Scope\":\"contoso.com\"},{\"Name\":\"WebApp1\",\"Scope\":\"CONTOSO\"}]},\"CmsPlugins\":[\"ActiveDirectory\"],\"DomainJoinConfig\":{\"DnsName\":\"contoso.com\",\"DnsTreeName\":\"contoso.com\",\"Guid\":\"244818ae-87ac-4fcd-92ec-e79e5252348a\",\"MachineAccountName\":\"WebApp1\",\"NetBiosName\":\"CONTOSO\",\"Sid\":\"S-1-5-21-2126449477-2524075714-3094792973\"}}"
 ],
 [
  "[1e21, 1e20, 1e-6, 1e-7, 1.5e-7, 123.456, -0.5, 0, 1e300, 5e-324, 0.1, 100]",
  "[1e+21,100000000000000000000,0.000001,1e-7,1.5e-7,123.456,-0.5,0,1e+300,5e-324,0.1,100]"
 ],
 [
  "{\"😀\":\"a\",\"\\uE000\":\"b\",\"z\":\"c\",\"ä\":\"d\",\"Z\":\"e\",\"\":\"f\"}",
  "{\"\":\"f\",\"Z\":\"e\",\"z\":\"c\",\"ä\":\"d\",\"\":\"b\",\"😀\":\"a\"}"
 ],
 [
  "\"\\ud800x\"",
  "\"�x\""
 ],
 [
  "{\"k\":\"tab\\there\",\"q\":\"quote\\\" back\\\\ slash /\"}",
  "{\"k\":\"tab\\there\",\"q\":\"quote\\\" back\\\\ slash /\"}"
 ],
 [
  "null",
  "null"
 ],
 [
  "[]",
  "[]"
 ],
 [
  "{}",
  "{}"
 ],
 [
  "[true,false,null]",
  "[true,false,null]"
 ]
];

export const quoteVectors: [string, string][] = [
 [
  "abc",
  "\"abc\""
 ],
 [
  "with \"quote\" and \\",
  "\"with \\\"quote\\\" and \\\\\""
 ],
 [
  "tab\tnl\nbell\u0007 vt\u000b ff\f bs\b cr\r",
  "\"tab\\tnl\\nbell\\a vt\\v ff\\f bs\\b cr\\r\""
 ],
 [
  "\u0000\u001f",
  "\"\\x00\\x1f\\x7f\""
 ],
 [
  " ­é",
  "\"\\u0080\\u009f\\u00a0\\u00adé\""
 ],
 [
  "é中文😀",
  "\"é中文😀\""
 ],
 [
  " ​﻿",
  "\"\\u2028\\u200b\\ufeff\""
 ],
 [
  "􏿿",
  "\"\\U0010ffff\""
 ],
 [
  "% sign",
  "\"% sign\""
 ],
 [
  "system:serviceaccount:ns:sa",
  "\"system:serviceaccount:ns:sa\""
 ],
 [
  "emoji 😀 and zwj ‍",
  "\"emoji 😀 and zwj \\u200d\""
 ]
];

/** "OK" = valid object, "OK nil" = null, else the error text */
export const unmarshalObjectVectors: [string, string][] = [
 [
  "",
  "unexpected end of JSON input"
 ],
 [
  " ",
  "unexpected end of JSON input"
 ],
 [
  "{",
  "unexpected end of JSON input"
 ],
 [
  "}",
  "invalid character '}' looking for beginning of value"
 ],
 [
  "{}",
  "OK"
 ],
 [
  "null",
  "OK nil"
 ],
 [
  " null ",
  "OK nil"
 ],
 [
  "[]",
  "json: cannot unmarshal array into Go value of type map[string]interface {}"
 ],
 [
  "[1,2]",
  "json: cannot unmarshal array into Go value of type map[string]interface {}"
 ],
 [
  "\"s\"",
  "json: cannot unmarshal string into Go value of type map[string]interface {}"
 ],
 [
  "1",
  "json: cannot unmarshal number into Go value of type map[string]interface {}"
 ],
 [
  "true",
  "json: cannot unmarshal bool into Go value of type map[string]interface {}"
 ],
 [
  "false",
  "json: cannot unmarshal bool into Go value of type map[string]interface {}"
 ],
 [
  "nul",
  "invalid character ' ' in literal null (expecting 'l')"
 ],
 [
  "tru",
  "invalid character ' ' in literal true (expecting 'e')"
 ],
 [
  "fals",
  "invalid character ' ' in literal false (expecting 'e')"
 ],
 [
  "nulx",
  "invalid character 'x' in literal null (expecting 'l')"
 ],
 [
  "trux",
  "invalid character 'x' in literal true (expecting 'e')"
 ],
 [
  "{\"a\"}",
  "invalid character '}' after object key"
 ],
 [
  "{\"a\":}",
  "invalid character '}' looking for beginning of value"
 ],
 [
  "{\"a\":1,}",
  "invalid character '}' looking for beginning of object key string"
 ],
 [
  "{\"a\":1 \"b\":2}",
  "invalid character '\"' after object key:value pair"
 ],
 [
  "{a:1}",
  "invalid character 'a' looking for beginning of object key string"
 ],
 [
  "{'a':1}",
  "invalid character '\\'' looking for beginning of object key string"
 ],
 [
  "[1,]",
  "invalid character ']' looking for beginning of value"
 ],
 [
  "[1 2]",
  "invalid character '2' after array element"
 ],
 [
  "01",
  "invalid character '1' after top-level value"
 ],
 [
  "-",
  "invalid character ' ' in numeric literal"
 ],
 [
  "-a",
  "invalid character 'a' in numeric literal"
 ],
 [
  "1.",
  "invalid character ' ' after decimal point in numeric literal"
 ],
 [
  "1.a",
  "invalid character 'a' after decimal point in numeric literal"
 ],
 [
  "1e",
  "invalid character ' ' in exponent of numeric literal"
 ],
 [
  "1e+",
  "invalid character ' ' in exponent of numeric literal"
 ],
 [
  "1ex",
  "invalid character 'x' in exponent of numeric literal"
 ],
 [
  "{\"a\":1}x",
  "invalid character 'x' after top-level value"
 ],
 [
  "{\"a\":1} x",
  "invalid character 'x' after top-level value"
 ],
 [
  "{} {}",
  "invalid character '{' after top-level value"
 ],
 [
  "\"\\x\"",
  "invalid character 'x' in string escape code"
 ],
 [
  "\"\\u12g4\"",
  "invalid character 'g' in \\u hexadecimal character escape"
 ],
 [
  "\"a\tb\"",
  "invalid character '\\t' in string literal"
 ],
 [
  "\"abc",
  "unexpected end of JSON input"
 ],
 [
  "{\"a\":\"é\"}",
  "OK"
 ],
 [
  "é",
  "invalid character 'Ã' looking for beginning of value"
 ],
 [
  "ÿ",
  "invalid character 'Ã' looking for beginning of value"
 ],
 [
  " ",
  "invalid character 'Â' looking for beginning of value"
 ],
 [
  "abc",
  "invalid character 'a' looking for beginning of value"
 ],
 [
  "<xml/>",
  "invalid character '<' looking for beginning of value"
 ],
 [
  "{\"a\":1}\n",
  "OK"
 ],
 [
  "{\"a\":[1,{\"b\":null}]}",
  "OK"
 ],
 [
  "[",
  "unexpected end of JSON input"
 ],
 [
  "{\"a\":",
  "unexpected end of JSON input"
 ],
 [
  "\"\\",
  "invalid character ' ' in string escape code"
 ],
 [
  "\"\\u12",
  "invalid character ' ' in \\u hexadecimal character escape"
 ],
 [
  "{\"a\":1,\"a\":2}",
  "OK"
 ],
 [
  "12 ",
  "json: cannot unmarshal number into Go value of type map[string]interface {}"
 ],
 [
  "-0.0e-0",
  "json: cannot unmarshal number into Go value of type map[string]interface {}"
 ],
 [
  "not json at all",
  "invalid character 'o' in literal null (expecting 'u')"
 ],
 [
  "{\"CmsPlugins\":[\"ActiveDirectory\"]",
  "unexpected end of JSON input"
 ]
];

export const errorfWithoutArgsVectors: [string, string][] = [
 [
  "plain",
  "plain"
 ],
 [
  "100% sure",
  "100%!s(MISSING)ure"
 ],
 [
  "ends with %",
  "ends with %!(NOVERB)"
 ],
 [
  "%%",
  "%"
 ],
 [
  "a %q b",
  "a %!q(MISSING) b"
 ],
 [
  "x %5.2f y",
  "x %!f(MISSING) y"
 ],
 [
  "%-+# 0d",
  "%!d(MISSING)"
 ],
 [
  "%é",
  "%!é(MISSING)"
 ],
 [
  "%!",
  "%!!(MISSING)"
 ],
 [
  "% d",
  "%!d(MISSING)"
 ]
];

/** [target, JSON input, expected error ("" = decodes fine)]; target "pod" = v1.Pod, "review" = v1.AdmissionReview */
export const decodeVectors: [string, string, string][] = [
 [
  "pod",
  "[]",
  "json: cannot unmarshal array into Go value of type v1.Pod"
 ],
 [
  "pod",
  "\"x\"",
  "json: cannot unmarshal string into Go value of type v1.Pod"
 ],
 [
  "pod",
  "{\"metadata\":{\"name\":5}}",
  "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.name of type string"
 ],
 [
  "pod",
  "{\"metadata\":[]}",
  "json: cannot unmarshal array into Go struct field Pod.metadata of type v1.ObjectMeta"
 ],
 [
  "pod",
  "{\"spec\":{\"serviceAccountName\":true}}",
  "json: cannot unmarshal bool into Go struct field PodSpec.spec.serviceAccountName of type string"
 ],
 [
  "pod",
  "{\"spec\":{\"securityContext\":{\"windowsOptions\":{\"gmsaCredentialSpecName\":5}}}}",
  "json: cannot unmarshal number into Go struct field WindowsSecurityContextOptions.spec.securityContext.windowsOptions.gmsaCredentialSpecName of type string"
 ],
 [
  "pod",
  "{\"spec\":{\"securityContext\":{\"windowsOptions\":[]}}}",
  "json: cannot unmarshal array into Go struct field PodSecurityContext.spec.securityContext.windowsOptions of type v1.WindowsSecurityContextOptions"
 ],
 [
  "pod",
  "{\"spec\":{\"securityContext\":\"x\"}}",
  "json: cannot unmarshal string into Go struct field PodSpec.spec.securityContext of type v1.PodSecurityContext"
 ],
 [
  "pod",
  "{\"spec\":{\"containers\":{}}}",
  "json: cannot unmarshal object into Go struct field PodSpec.spec.containers of type []v1.Container"
 ],
 [
  "pod",
  "{\"spec\":{\"containers\":[1]}}",
  "json: cannot unmarshal number into Go struct field PodSpec.spec.containers of type v1.Container"
 ],
 [
  "pod",
  "{\"spec\":{\"containers\":[{\"name\":1}]}}",
  "json: cannot unmarshal number into Go struct field Container.spec.containers.name of type string"
 ],
 [
  "pod",
  "{\"spec\":{\"containers\":[{\"securityContext\":{\"windowsOptions\":{\"gmsaCredentialSpec\":{}}}}]}}",
  "json: cannot unmarshal object into Go struct field WindowsSecurityContextOptions.spec.containers.securityContext.windowsOptions.gmsaCredentialSpec of type string"
 ],
 [
  "pod",
  "{\"spec\":{\"initContainers\":[{\"securityContext\":5}]}}",
  "json: cannot unmarshal number into Go struct field Container.spec.initContainers.securityContext of type v1.SecurityContext"
 ],
 [
  "pod",
  "{\"spec\":{\"hostname\":1,\"serviceAccountName\":2}}",
  "json: cannot unmarshal number into Go struct field PodSpec.spec.hostname of type string"
 ],
 [
  "pod",
  "{\"spec\":\"x\"}",
  "json: cannot unmarshal string into Go struct field Pod.spec of type v1.PodSpec"
 ],
 [
  "review",
  "\"x\"",
  "json: cannot unmarshal string into Go value of type v1.AdmissionReview"
 ],
 [
  "review",
  "{\"request\":\"x\"}",
  "json: cannot unmarshal string into Go struct field AdmissionReview.request of type v1.AdmissionRequest"
 ],
 [
  "review",
  "{\"request\":{\"uid\":5}}",
  "json: cannot unmarshal number into Go struct field AdmissionRequest.request.uid of type types.UID"
 ],
 [
  "review",
  "{\"request\":{\"kind\":\"Pod\"}}",
  "json: cannot unmarshal string into Go struct field AdmissionRequest.request.kind of type v1.GroupVersionKind"
 ],
 [
  "review",
  "{\"request\":{\"kind\":{\"kind\":1}}}",
  "json: cannot unmarshal number into Go struct field GroupVersionKind.request.kind.kind of type string"
 ],
 [
  "review",
  "{\"request\":{\"operation\":1}}",
  "json: cannot unmarshal number into Go struct field AdmissionRequest.request.operation of type v1.Operation"
 ],
 [
  "review",
  "{\"request\":{\"namespace\":[]}}",
  "json: cannot unmarshal array into Go struct field AdmissionRequest.request.namespace of type string"
 ],
 [
  "pod",
  "{\"spec\":{\"containers\":[{\"name\":\"a\",\"securityContext\":{\"windowsOptions\":{\"gmsaCredentialSpecName\":null}}}]}}",
  ""
 ],
 [
  "pod",
  "{\"Spec\":{\"ServiceAccountName\":3}}",
  "json: cannot unmarshal number into Go struct field PodSpec.spec.serviceAccountName of type string"
 ],
 [
  "pod",
  "{\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"securityContext\":{\"windowsOptions\":{\"gmsaCredentialSpecName\":\"x\",\"gmsaCredentialSpec\":\"{}\"}}}]}}",
  ""
 ]
];
