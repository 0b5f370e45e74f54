/** Example crews and their sample workspaces (land with the sample crews issue). */
package dev.cadre.samples;
