/** A multipart/form-data body for app.inject, encoded by the platform's own FormData encoder. */
export async function multipartBody(
  form: FormData,
): Promise<{ payload: Buffer; headers: { 'content-type': string } }> {
  const response = new Response(form);
  return {
    payload: Buffer.from(await response.arrayBuffer()),
    headers: { 'content-type': response.headers.get('content-type')! },
  };
}

/** A multipart body carrying one file (the avatar upload's shape: field `file` unless told). */
export function fileUpload(
  data: Buffer | string,
  options: { field?: string; filename?: string; type?: string } = {},
) {
  const form = new FormData();
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  form.append(
    options.field ?? 'file',
    new Blob([new Uint8Array(bytes)], { type: options.type ?? '' }),
    options.filename ?? 'a.png',
  );
  return multipartBody(form);
}
