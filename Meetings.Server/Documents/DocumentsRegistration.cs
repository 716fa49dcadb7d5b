using Amazon.Runtime;
using Amazon.S3;
using Meetings.Server.Data;

namespace Meetings.Server.Documents;

public static class DocumentsRegistration
{
    /// <summary>
    /// Agenda documents kept in the data folder (<c>Documents:Folder</c>), or in an S3-compatible bucket when
    /// <c>Documents:S3:Bucket</c> is set; <c>Documents:MaxMegabytes</c> bounds an upload.
    /// </summary>
    public static IHostApplicationBuilder AddDocuments(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("Documents");
        builder.Services.Configure<DocumentOptions>(section);
        var options = section.Get<DocumentOptions>() ?? new DocumentOptions();
        if (options.MaxMegabytes is < 1 or > 1024)
            throw new InvalidOperationException("Documents:MaxMegabytes must be between 1 and 1024.");
        if (options.S3.Bucket is { Length: > 0 } bucket)
        {
            var config = new AmazonS3Config
            {
                // Only what every S3-compatible server understands: path-style names, checksums only when required.
                ForcePathStyle = true,
                RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
                ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            };
            if (options.S3.ServiceUrl is { Length: > 0 } url) (config.ServiceURL, config.AuthenticationRegion) = (url, options.S3.Region);
            else config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(options.S3.Region);
            var s3 = options.S3.AccessKey is { Length: > 0 } key
                ? new AmazonS3Client(new BasicAWSCredentials(key, options.S3.SecretKey), config)
                : new AmazonS3Client(config);
            builder.Services.AddSingleton<IAmazonS3>(s3);
            builder.Services.AddSingleton<IDocumentStore>(services => new S3DocumentStore(services.GetRequiredService<IAmazonS3>(), bucket, options.S3.Prefix));
        }
        else
        {
            var folder = options.Folder ?? Path.Combine(DataRegistration.DataFolder(builder), "documents");
            Directory.CreateDirectory(folder);
            builder.Services.AddSingleton<IDocumentStore>(new FileDocumentStore(folder));
        }
        builder.Services.AddScoped<DocumentService>();
        var packets = Path.Combine(DataRegistration.DataFolder(builder), "packets");
        builder.Services.AddSingleton(services => new PacketFiles(packets, services.GetRequiredService<IDocumentStore>(),
            services.GetRequiredService<Records.RecordLinks>()));
        return builder;
    }
}
